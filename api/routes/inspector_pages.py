"""Inspector pages behind a sign-in: the flags list, one flag with its workflow form, the
contract view (page images with the evidence outlined) and the upload form.

Sign-in takes an API token and keeps it in an HttpOnly, SameSite=Strict cookie, so the pages
need no JavaScript and other sites cannot make the browser post forms here.
"""
from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict, Field

from api import contract_files
from api.auth import PUBLIC, TOKEN_COOKIE, allow
from api.pages.i18n import context
from api.routes.contracts import UPLOAD_LIMIT, ContractUpload, ingest_upload
from api.schemas import FlagStatus
from registry import directory, flags
from registry.tables import FLAG_STATUSES, SEVERITIES
from registry.users import authenticate

PAGE = {**allow("inspector"), "include_in_schema": False}
COOKIE_HOURS = 12
Text60 = Annotated[str | None, QueryParameter(max_length=60)]


def _to_login(request: Request, exc: Exception) -> Response:
    return Redirect("/inspector/login", status_code=303)


def _page(request: Request, **values: Any) -> dict[str, Any]:
    return {**context("en", str(request.url.path), {}), "user": request.state.get("user"), **values}


class LoginForm(BaseModel):
    model_config = ConfigDict(extra="ignore")
    token: str = Field(min_length=1, max_length=200)


class MoveForm(BaseModel):
    model_config = ConfigDict(extra="ignore")
    to_status: FlagStatus
    note: str = Field(default="", max_length=4000)
    expected_version: int | None = Field(default=None, ge=0)


class AssignForm(BaseModel):
    model_config = ConfigDict(extra="ignore")
    assignee: str = Field(default="", max_length=200)
    expected_version: int | None = Field(default=None, ge=0)


Form = Body(media_type=RequestEncodingType.URL_ENCODED)


class InspectorPages(Controller):
    path = "/inspector"
    include_in_schema = False
    exception_handlers = {NotAuthorizedException: _to_login}

    @get("/login", opt={**PUBLIC}, include_in_schema=False)
    async def login_form(self, request: Request) -> Template:
        return Template("inspector/login.html", context=_page(request, error=None))

    @post("/login", opt={**PUBLIC, "login": True}, include_in_schema=False)
    async def login(self, request: Request, data: Annotated[LoginForm, Form]) -> Response:
        user = await authenticate(data.token)
        if user is None or user.role not in ("inspector", "admin"):
            return Template("inspector/login.html", status_code=401,
                            context=_page(request, error="That token is not valid for the inspector pages."))
        cookie = Cookie(key=TOKEN_COOKIE, value=data.token, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https", max_age=COOKIE_HOURS * 3600)
        return Redirect("/inspector/flags", status_code=303, cookies=[cookie])

    @post("/logout", opt={**PUBLIC}, include_in_schema=False)
    async def logout(self) -> Response:
        response = Redirect("/inspector/login", status_code=303)
        response.delete_cookie(TOKEN_COOKIE, path="/")
        return response

    @get("/flags", **PAGE)
    async def flag_list(self, request: Request, agency: Text60 = None, broker: Text60 = None,
                        rule: Annotated[str | None, QueryParameter(max_length=10)] = None,
                        severity: Annotated[str | None, QueryParameter(max_length=10)] = None,
                        status: Annotated[str | None, QueryParameter(max_length=20)] = None) -> Template:
        filters = {"agency": agency or None, "broker": broker or None, "rule": rule or None,
                   "severity": severity or None, "status": status or None}
        rows = await flags.list_flags(**filters, limit=1000)
        return Template("inspector/flags.html", context=_page(
            request, flags=rows, filters=filters, severities=SEVERITIES, statuses=FLAG_STATUSES))

    @get("/flags/{flag_id:int}", **PAGE)
    async def flag_detail(self, request: Request, flag_id: FromPath[int]) -> Template:
        flag = await flags.get_flag(flag_id)
        return Template("inspector/flag.html", context=_page(
            request, flag=flag, next_statuses=sorted(flags.TRANSITIONS[flag["status"]])))

    @post("/flags/{flag_id:int}/status", **PAGE)
    async def flag_move(self, request: Request, flag_id: FromPath[int], data: Annotated[MoveForm, Form]) -> Redirect:
        await flags.move(flag_id, data.to_status, note=data.note, actor=request.state.user.name,
                         expected_version=data.expected_version)
        return Redirect(f"/inspector/flags/{flag_id}", status_code=303)

    @post("/flags/{flag_id:int}/assign", **PAGE)
    async def flag_assign(self, request: Request, flag_id: FromPath[int], data: Annotated[AssignForm, Form]) -> Redirect:
        await flags.assign(flag_id, data.assignee, actor=request.state.user.name, expected_version=data.expected_version)
        return Redirect(f"/inspector/flags/{flag_id}", status_code=303)

    @get("/contracts/{contract_id:int}", **PAGE)
    async def contract(self, request: Request, contract_id: FromPath[int],
                       flag: Annotated[int | None, QueryParameter(ge=1)] = None) -> Template:
        contract = await directory.get_contract(contract_id)
        raised = await flags.list_flags(contract_id=contract_id, limit=1000)
        shown = [f for f in raised if flag is None or f["id"] == flag]
        pages = sorted({ev["page"] for f in shown for ev in f["evidence"] if isinstance(ev.get("page"), int)})
        return Template("inspector/contract.html", context=_page(
            request, contract=contract, flags=shown, selected=flag,
            pages=pages or list(range(1, (contract["pages"] or 0) + 1)),
            has_file=contract_files.has(contract["sha256"])))

    @get("/upload", **PAGE)
    async def upload_form(self, request: Request) -> Template:
        return Template("inspector/upload.html", context=_page(request, result=None))

    @post("/upload", request_max_body_size=UPLOAD_LIMIT, **PAGE)
    async def upload(self, request: Request,
                     data: Annotated[ContractUpload, Body(media_type=RequestEncodingType.MULTI_PART)]) -> Response:
        result = await ingest_upload(await data.data.read(), data.data.filename, request.state.user.name)
        if result["contract_id"] is not None:
            return Redirect(f"/inspector/contracts/{result['contract_id']}", status_code=303)
        return Template("inspector/upload.html", context=_page(request, result=result))
