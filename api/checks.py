"""What the public surfaces say about a licence: live status, public history, signed checks.

Shared by the JSON routes and the worker pages so both say the same thing. Nothing here
reads contracts or flags: public answers come from the registry tables only.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from api.qr import verification_path
from api.signing import Signer
from registry import queries
from registry.lookup.service import lookup

PUBLIC_HISTORY_EVENTS = frozenset({"suspended", "reinstated", "revoked", "withdrawn", "expired"})
CHECK_SCHEMA = "fairrecruit-check/1"


async def public_history(number: str) -> list[dict[str, Any]]:
    """Suspensions, reinstatements, revocations and lapses with their dates; no reasons or actors."""
    record = await queries.history(number)
    return [{"event": e["event"], "date": e["date"]} for e in record["events"] if e["event"] in PUBLIC_HISTORY_EVENTS]


async def live_status(number: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """A licence's or sub-licence's status; for a sub-licence also its agency's, as a broker
    may recruit only while both are in force."""
    answer = await queries.licence_answer(number, as_of)
    answer.pop("version", None)
    answer["history"] = await public_history(answer["number"])
    if answer["kind"] == "sub_licence":
        answer["agency_history"] = await public_history(answer["agency"])
    kind = "licence" if answer["kind"] == "licence" else "sub-licence"
    answer["verify_path"] = verification_path(kind, answer["number"])
    return answer


async def lookup_answer(query: str, as_of: dt.date | None, kind: str | None) -> dict[str, Any]:
    return await lookup(query, as_of=as_of, kind=kind)


async def signed_check(signer: Signer, query: str, as_of: dt.date | None, kind: str | None, base_url: str) -> dict:
    """The printable, re-verifiable record of one worker check."""
    answer = await lookup_answer(query, as_of, kind)
    match = answer.get("match")
    verify_url = None
    if match:
        path_kind = "licence" if match.get("kind") == "agency" else "sub-licence"
        verify_url = base_url.rstrip("/") + verification_path(path_kind, match["number"])
    payload = {
        "schema": CHECK_SCHEMA,
        "query": query,
        "kind": kind,
        "as_of": (as_of or dt.date.today()).isoformat(),
        "status": answer["status"],
        "match": match,
        "checked_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "verify_url": verify_url,
    }
    return signer.sign(_jsonable(payload))


def _jsonable(value: Any) -> Any:
    """Dates to ISO text so the signed bytes are the bytes a verifier will rebuild."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
