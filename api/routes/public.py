"""Public JSON routes: lookup, live status, the change feed, and signed checks.

All are rate-limited (`opt public`, see `api.app`) and read only registry tables, so no
worker identity or contract text can appear in their answers.
"""
from __future__ import annotations

import datetime as dt
from typing import Any
from xml.sax.saxutils import escape

from litestar import Controller, Request, Response, get, post
from typing import Annotated

from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.auth import PUBLIC
from api.qr import verification_path
from api.checks import live_status, lookup_answer, signed_check
from api.schemas import LookupKind, SignedDocument, VerifyResult
from registry.feed import MAX_ITEMS, status_changes

ATOM = "application/atom+xml"


def _since(value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


class PublicApiController(Controller):
    path = "/api/v1/public"
    tags = ["public"]
    opt = PUBLIC

    @get("/lookup", opt=PUBLIC)
    async def lookup(
        self,
        q: Annotated[str, QueryParameter(min_length=1, max_length=200, description="Name or number, as the worker typed it.")],
        as_of: FromQuery[dt.date | None] = None,
        kind: FromQuery[LookupKind | None] = None,
    ) -> dict[str, Any]:
        return await lookup_answer(q, as_of, kind)

    @get("/status/{number:str}", opt=PUBLIC)
    async def status(self, number: FromPath[str], as_of: FromQuery[dt.date | None] = None) -> dict[str, Any]:
        """Live status of a licence or sub-licence (what a QR code on a certificate opens)."""
        return await live_status(number, as_of)

    @get("/changes", opt=PUBLIC)
    async def changes(
        self,
        since: Annotated[dt.datetime | None, QueryParameter(description="Only changes recorded after this time (default: 30 days ago).")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_ITEMS)] = 100,
    ) -> list[dict[str, Any]]:
        return await status_changes(_since(since), limit=limit)

    @get("/changes.atom", opt=PUBLIC, media_type=ATOM)
    async def changes_atom(
        self,
        request: Request,
        since: FromQuery[dt.datetime | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_ITEMS)] = 100,
    ) -> Response[str]:
        items = await status_changes(_since(since), limit=limit)
        return Response(_atom(items, str(request.base_url).rstrip("/")), media_type=ATOM)

    @get("/checks", opt=PUBLIC)
    async def check(
        self,
        request: Request,
        q: Annotated[str, QueryParameter(min_length=1, max_length=200)],
        as_of: FromQuery[dt.date | None] = None,
        kind: FromQuery[LookupKind | None] = None,
    ) -> dict[str, Any]:
        """A signed, time-stamped check result; keep it and verify it later online or offline."""
        return await signed_check(request.app.state.signer, q, as_of, kind, str(request.base_url))

    @post("/checks/verify", status_code=200, opt=PUBLIC)
    async def verify(self, request: Request, data: JSONBody[SignedDocument]) -> VerifyResult:
        signer = request.app.state.signer
        return VerifyResult(valid=signer.verify(data.model_dump()), key_id=signer.key_id)


@get("/.well-known/fairrecruit-signing-key", opt=PUBLIC, tags=["public"])
async def well_known_signing_key(request: Request) -> dict[str, str]:
    """The Ed25519 public key that signs check results."""
    return request.app.state.signer.public_key_document()


def _atom(items: list[dict[str, Any]], base: str) -> str:
    updated = items[-1]["recorded_at"].isoformat() if items else dt.datetime.now(dt.timezone.utc).isoformat()
    entries = []
    for item in items:
        title = f"{item['number']} {item['name']}: {item['event']} from {item['date']}"
        path = "licence" if item["kind"] == "licence" else "sub-licence"
        link = base + verification_path(path, item["number"])
        entries.append(
            "<entry>"
            f"<id>urn:fairrecruit:{escape(item['id'])}</id>"
            f"<title>{escape(title)}</title>"
            f"<updated>{item['recorded_at'].isoformat()}</updated>"
            f'<link href="{escape(link)}"/>'
            f"<summary>{escape(title)}</summary>"
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>urn:fairrecruit:status-changes</id><title>fairrecruit licence status changes</title>"
        "<author><name>fairrecruit registry</name></author>"
        f"<updated>{updated}</updated>"
        f'<link rel="self" href="{escape(base)}/api/v1/public/changes.atom"/>'
        + "".join(entries)
        + "</feed>"
    )
