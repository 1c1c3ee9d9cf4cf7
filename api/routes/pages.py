"""The worker's pages: search at `/`, the printable signed check, and the verification pages
that QR codes on licence certificates and broker ID cards open. No JavaScript."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

from litestar import Controller, Request, Response, get
from litestar.datastructures import CacheControlHeader
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template

from api.auth import PUBLIC
from api.checks import live_status, lookup_answer, signed_check
from api.pages.i18n import context, language
from api.qr import FORMATS, qr_image, verification_path
from api.schemas import LookupKind
from api.signing import b64, canonical, unb64
from registry.errors import NotFoundError
from registry.numbers import number_norm

Lang = Annotated[str | None, QueryParameter(max_length=5)]
Query = Annotated[str | None, QueryParameter(max_length=200)]
MAX_SIGNED_PARAM = 8000


def public_base_url(request: Request) -> str:
    """FAIRRECRUIT_PUBLIC_URL when set (behind a proxy), else the URL the request came in on."""
    return os.environ.get("FAIRRECRUIT_PUBLIC_URL") or str(request.base_url).rstrip("/")


class WorkerPages(Controller):
    include_in_schema = False
    opt = PUBLIC

    @get("/", opt=PUBLIC)
    async def index(self, request: Request, q: Query = None, lang: Lang = None,
                    kind: FromQuery[LookupKind | None] = None) -> Template:
        lang = language(lang)
        page = context(lang, "/", {"q": q or ""})
        query = (q or "").strip()
        answer = live = None
        if query:
            answer = await lookup_answer(query, None, kind)
            if answer.get("match"):
                live = await live_status(answer["match"]["number"])
        return Template("index.html", context={**page, "query": query, "answer": answer, "live": live})

    @get("/check", opt=PUBLIC)
    async def check(self, request: Request, q: Annotated[str, QueryParameter(min_length=1, max_length=200)],
                    lang: Lang = None, kind: FromQuery[LookupKind | None] = None) -> Template:
        signer = request.app.state.signer
        doc = await signed_check(signer, q.strip(), None, kind, public_base_url(request))
        return self._render_check(request, doc, language(lang), verified=None)

    @get("/check/verify", opt=PUBLIC)
    async def verify_check(self, request: Request,
                           d: Annotated[str, QueryParameter(min_length=1, max_length=MAX_SIGNED_PARAM)],
                           lang: Lang = None) -> Template:
        """What the QR code on a printed check opens: the printed result, re-verified."""
        try:
            doc = json.loads(unb64(d))
            if not isinstance(doc, dict) or not isinstance(doc.get("payload"), dict):
                raise ValueError("not a check result")
        except ValueError:
            doc = {"payload": {"status": "not_found", "query": "", "match": None}, "signature": "", "key_id": ""}
            return self._render_check(request, doc, language(lang), verified=False)
        return self._render_check(request, doc, language(lang), verified=request.app.state.signer.verify(doc))

    def _render_check(self, request: Request, doc: dict, lang: str, *, verified: bool | None) -> Template:
        signer = request.app.state.signer
        link = f"{public_base_url(request)}/check/verify?d={b64(canonical(doc))}"
        qr_svg = qr_image(link, "svg", scale=3).decode("utf-8").split("?>", 1)[-1]
        page = context(lang, str(request.url.path), dict(request.query_params))
        return Template("check.html", context={
            **page, "doc": doc, "verified": verified, "public_key": signer.public_key, "qr_svg": qr_svg,
            "signed_json": json.dumps(doc, ensure_ascii=False, sort_keys=True),
        })

    @get("/verify/licence/{number:str}", opt=PUBLIC)
    async def verify_licence(self, number: FromPath[str], lang: Lang = None) -> Template:
        return await self._verify("licence", number, language(lang))

    @get("/verify/sub-licence/{number:str}", opt=PUBLIC)
    async def verify_sub_licence(self, number: FromPath[str], lang: Lang = None) -> Template:
        return await self._verify("sub_licence", number, language(lang))

    async def _verify(self, kind: str, number: str, lang: str) -> Template:
        live = await live_status(number)
        if live["kind"] != kind:
            raise NotFoundError(f"{number!r} is not a {kind.replace('_', '-')} number")
        page = context(lang, live["verify_path"], {})
        return Template("verify.html", context={**page, "live": live})

    @get("/verify/licence/{number:str}/qr/{fmt:str}", opt=PUBLIC)
    async def licence_qr(self, request: Request, number: FromPath[str], fmt: FromPath[str]) -> Response[bytes]:
        return await self._qr(request, "licence", number, fmt)

    @get("/verify/sub-licence/{number:str}/qr/{fmt:str}", opt=PUBLIC)
    async def sub_licence_qr(self, request: Request, number: FromPath[str], fmt: FromPath[str]) -> Response[bytes]:
        return await self._qr(request, "sub-licence", number, fmt)

    async def _qr(self, request: Request, kind: str, number: str, fmt: str) -> Response[bytes]:
        if fmt not in FORMATS:
            raise NotFoundError(f"QR codes come as {' or '.join(FORMATS)}, not {fmt!r}")
        live = await live_status(number)
        if (live["kind"] == "licence") != (kind == "licence"):
            raise NotFoundError(f"{number!r} is not a {kind} number")
        url = public_base_url(request) + verification_path(kind, live["number"])
        return Response(qr_image(url, fmt), media_type=FORMATS[fmt],
                        headers={"Content-Disposition": f'inline; filename="{number_norm(number)}.{fmt}"'})


STATIC = Path(__file__).resolve().parent.parent / "pages" / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}


@get("/static/{name:str}", opt=PUBLIC, include_in_schema=False, cache_control=CacheControlHeader(max_age=3600))
async def static_file(name: FromPath[str]) -> Response[bytes]:
    """The pages' few static files, served by name from a fixed list (nothing else on disk is reachable)."""
    files = {path.name: path for path in STATIC.iterdir() if path.suffix in STATIC_TYPES}
    if name not in files:
        raise NotFoundError(f"no static file {name[:80]!r}")
    return Response(files[name].read_bytes(), media_type=STATIC_TYPES[files[name].suffix])
