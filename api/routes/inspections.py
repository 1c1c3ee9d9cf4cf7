"""Inspection planning for inspectors: the risk-ranked worklist, one entity's explanation and
inspection history (with the form to record an inspection), the summary charts, and the flag
exports — as pages (no JavaScript) and as JSON under /api/v1/inspections.

Thin handlers: scoring lives in `registry.risk`, recording in `registry.inspections`, exports
and charts in `registry.reports`.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, get_args

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict, Field

from api.auth import allow
from api.pages.i18n import context
from registry.flags import list_flags
from registry.inspections import entity_contracts, inspection_history, record_inspection
from registry.numbers import number_norm
from registry.reports.charts import all_charts
from registry.reports.exports import ExportFilters, export
from registry.reports.summary import build_summary
from registry.risk.model import plain_numbers
from registry.risk.service import entity_risk, plan
from registry.risk.weights import load_weights

INSPECTORS = allow("inspector")


def _to_login(request: Request, exc: Exception) -> Response:
    """Pages send a signed-out browser to the inspector sign-in; the JSON API answers 401."""
    return Redirect("/inspector/login", status_code=303)


PAGE_OPTS: dict[str, Any] = {**INSPECTORS, "include_in_schema": False,
                             "exception_handlers": {NotAuthorizedException: _to_login}}
FLAGS_SHOWN = 1000

Text60 = Annotated[str | None, QueryParameter(max_length=60)]
Text100 = Annotated[str | None, QueryParameter(max_length=100)]
Kind = Literal["agency", "broker", "unregistered"]
KINDS = get_args(Kind)
Severity = Literal["critical", "high", "medium", "low", "info"]
FlagStatus = Literal["open", "in_review", "confirmed", "dismissed", "closed"]


class InspectionIn(BaseModel):
    """An inspection as the JSON API and the page form accept it."""

    model_config = ConfigDict(extra="forbid")
    date: dt.date
    inspector: str = Field(min_length=1, max_length=200)
    outcome: str = Field(min_length=1, max_length=30, description="An outcome named in the weights file.")
    notes: str = Field(default="", max_length=4000)


class InspectionRecordIn(InspectionIn):
    number: str = Field(min_length=1, max_length=60, description="Licence or sub-licence number, any printed form.")


def _page(request: Request, **values: Any) -> dict[str, Any]:
    """Inspector pages are in English, in the inspector pages' layout (`inspector/_layout.html`).
    Links carry normalised numbers (`key`), which keep the '/' of licence numbers out of paths."""
    return {**context("en", request.url.path, {}), **values, "user": request.state.user, "key": number_norm}


async def _entity_flags(kind: str, number: str) -> list[dict]:
    if kind == "agency":
        return await list_flags(agency=number, limit=FLAGS_SHOWN)
    return await list_flags(broker=number, limit=FLAGS_SHOWN)


class InspectionController(Controller):
    path = "/"
    tags = ["inspections"]

    # -- JSON API --------------------------------------------------------------------------
    @get("/api/v1/inspections/plan", **INSPECTORS)
    async def plan_json(self, province: Text100 = None, top: Annotated[int | None, QueryParameter(ge=1, le=10000)] = None,
                        kind: FromQuery[Kind | None] = None, as_of: FromQuery[dt.date | None] = None) -> list[dict[str, Any]]:
        """The ranked worklist with every score's explanation (factors, weights, flags)."""
        return [plain_numbers(e.as_dict()) for e in await plan(as_of=as_of, province=province, top=top, kind=kind)]

    @get("/api/v1/inspections/entities/{number:str}", **INSPECTORS)
    async def entity_json(self, number: FromPath[str], as_of: FromQuery[dt.date | None] = None) -> dict[str, Any]:
        """One licence's or sub-licence's score, explanation and inspection history."""
        risk = await entity_risk(number, as_of=as_of)
        return plain_numbers({**risk.as_dict(), "inspections": await inspection_history(number)})

    @post("/api/v1/inspections", status_code=201, **INSPECTORS)
    async def record_json(self, request: Request, data: JSONBody[InspectionRecordIn]) -> dict[str, Any]:
        return await record_inspection(
            data.number, day=data.date, inspector=data.inspector, outcome=data.outcome,
            notes=data.notes, actor=request.state.user.name,
        )

    @get("/api/v1/inspections/summary", **INSPECTORS)
    async def summary_json(self) -> dict[str, Any]:
        return (await build_summary()).as_dict()

    # -- pages -----------------------------------------------------------------------------
    @get("/inspections", **PAGE_OPTS)
    async def worklist(self, request: Request, province: Text100 = None,
                       top: Annotated[str | None, QueryParameter(max_length=6)] = None,
                       kind: Annotated[str | None, QueryParameter(max_length=20)] = None,
                       as_of: FromQuery[dt.date | None] = None) -> Template:
        """The filter form submits empty fields as empty strings: they mean "no filter"."""
        top_n = int(top) if top and top.isdigit() and int(top) > 0 else None
        kind = kind if kind in KINDS else None
        entries = await plan(as_of=as_of, province=province or None, top=top_n, kind=kind)
        return Template("inspections/worklist.html", context=_page(
            request, entries=entries, province=province or "", top=top_n or "", kind=kind or "",
            as_of=as_of or dt.date.today(),
        ))

    @get("/inspections/entities/{number:str}", **PAGE_OPTS)
    async def entity(self, request: Request, number: FromPath[str], as_of: FromQuery[dt.date | None] = None) -> Template:
        risk = await entity_risk(number, as_of=as_of)
        return Template("inspections/entity.html", context=_page(
            request, risk=risk, history=await inspection_history(number),
            contracts=await entity_contracts(number),
            flags=await _entity_flags(risk.entity.kind, risk.entity.number),
            outcomes=load_weights().outcomes, today=dt.date.today(), as_of=as_of or dt.date.today(),
        ))

    @post("/inspections/entities/{number:str}", **PAGE_OPTS)
    async def record_form(
        self, request: Request, number: FromPath[str],
        data: Annotated[InspectionIn, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Redirect:
        """The page's form: record, then show the entity again (post/redirect/get)."""
        saved = await record_inspection(
            number, day=data.date, inspector=data.inspector, outcome=data.outcome,
            notes=data.notes, actor=request.state.user.name,
        )
        return Redirect(path=f"/inspections/entities/{number_norm(saved['number'])}", status_code=303)

    @get("/inspections/summary", **PAGE_OPTS)
    async def summary(self, request: Request) -> Template:
        summary = await build_summary()
        return Template("inspections/summary.html", context=_page(
            request, summary=summary, charts=all_charts(summary), today=dt.date.today(),
        ))

    @get("/inspections/export/{fmt:str}", **PAGE_OPTS)
    async def download(self, fmt: FromPath[str], agency: Text60 = None, broker: Text60 = None,
                       rule: Annotated[str | None, QueryParameter(max_length=10)] = None,
                       severity: FromQuery[Severity | None] = None, status: FromQuery[FlagStatus | None] = None) -> Response[bytes]:
        """Flags and findings as CSV or XLSX, with the flags API's filters."""
        data, media_type = await export(fmt, ExportFilters(agency=agency, broker=broker, rule=rule,
                                                           severity=severity, status=status))
        name = f"fairrecruit-flags-{dt.date.today().isoformat()}.{fmt}"
        return Response(data, media_type=media_type,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
