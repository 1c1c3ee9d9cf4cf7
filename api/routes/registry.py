"""Agencies, licences, brokers, sub-licences and the change history (officer actions and reads).

Numbers in paths may be written with any separators except '/', e.g. MLVT-PRA-018-2011 for
MLVT-PRA-018/2011: numbers are matched by their normal form.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.auth import allow
from api.schemas import (
    ActionOut, AgencyCreate, BrokerCreate, Created, LicenceIssue, Renewal, StatusAction, SubLicenceGrant,
)
from registry import directory, queries, services

OFFICERS = allow("officer")
READERS = allow("officer", "inspector")
Limit = Annotated[int, QueryParameter(ge=1, le=directory.MAX_PAGE)]
Offset = Annotated[int, QueryParameter(ge=0)]


def _out(result: services.ActionResult) -> ActionOut:
    return ActionOut(**dataclasses.asdict(result))


def _day(value: dt.date | None) -> dt.date:
    return value or dt.date.today()



async def _status_action(action, request: Request, number: str, data: StatusAction) -> ActionOut:
    """Suspend / reinstate / revoke / withdraw share one shape: a dated, reasoned event."""
    return _out(await action(number, on=_day(data.on), reason=data.reason, actor=request.state.user.name,
                             expected_version=data.expected_version))


async def _renewal(action, request: Request, number: str, data: Renewal) -> ActionOut:
    return _out(await action(number, on=_day(data.on), valid_until=data.valid_until, reason=data.reason,
                             actor=request.state.user.name, expected_version=data.expected_version))

class RegistryController(Controller):
    path = "/api/v1"
    tags = ["registry"]

    # --- agencies ----------------------------------------------------------------------
    @get("/agencies", **READERS)
    async def list_agencies(self, name: Annotated[str | None, QueryParameter(max_length=300)] = None,
                            limit: Limit = 100, offset: Offset = 0) -> list[dict[str, Any]]:
        return await directory.list_agencies(name=name, limit=limit, offset=offset)

    @get("/agencies/{agency_id:int}", **READERS)
    async def get_agency(self, agency_id: FromPath[int]) -> dict[str, Any]:
        return await directory.get_agency(agency_id)

    @post("/agencies", **OFFICERS)
    async def register_agency(self, request: Request, data: JSONBody[AgencyCreate]) -> Created:
        return Created(id=await services.register_agency(**data.model_dump(), actor=request.state.user.name))

    @post("/agencies/{agency_id:int}/licences", **OFFICERS)
    async def issue_licence(self, request: Request, agency_id: FromPath[int], data: JSONBody[LicenceIssue]) -> ActionOut:
        return _out(await services.issue_licence(agency_id=agency_id, **data.model_dump(), actor=request.state.user.name))

    # --- licences ----------------------------------------------------------------------
    @get("/licences/{number:str}", **READERS)
    async def licence(self, number: FromPath[str], as_of: FromQuery[dt.date | None] = None) -> dict[str, Any]:
        """Status on `as_of` (default today); for a sub-licence also its agency's status."""
        return await queries.licence_answer(number, as_of)

    @get("/licences/{number:str}/history", **READERS)
    async def licence_history(self, number: FromPath[str]) -> dict[str, Any]:
        return await queries.history(number)

    @post("/licences/{number:str}/renew", status_code=200, **OFFICERS)
    async def renew(self, request: Request, number: FromPath[str], data: JSONBody[Renewal]) -> ActionOut:
        return await _renewal(services.renew_licence, request, number, data)

    @post("/licences/{number:str}/suspend", status_code=200, **OFFICERS)
    async def suspend(self, request: Request, number: FromPath[str], data: JSONBody[StatusAction]) -> ActionOut:
        return await _status_action(services.suspend_licence, request, number, data)

    @post("/licences/{number:str}/reinstate", status_code=200, **OFFICERS)
    async def reinstate(self, request: Request, number: FromPath[str], data: JSONBody[StatusAction]) -> ActionOut:
        return await _status_action(services.reinstate_licence, request, number, data)

    @post("/licences/{number:str}/revoke", status_code=200, **OFFICERS)
    async def revoke(self, request: Request, number: FromPath[str], data: JSONBody[StatusAction]) -> ActionOut:
        return await _status_action(services.revoke_licence, request, number, data)

    # --- brokers and sub-licences ------------------------------------------------------
    @get("/brokers/{broker_id:int}", **READERS)
    async def get_broker(self, broker_id: FromPath[int]) -> dict[str, Any]:
        return await directory.get_broker(broker_id)

    @post("/brokers", **OFFICERS)
    async def register_broker(self, request: Request, data: JSONBody[BrokerCreate]) -> Created:
        return Created(id=await services.register_broker(**data.model_dump(), actor=request.state.user.name))

    @post("/sub-licences", **OFFICERS)
    async def grant_sub_licence(self, request: Request, data: JSONBody[SubLicenceGrant]) -> ActionOut:
        return _out(await services.grant_sub_licence(**data.model_dump(), actor=request.state.user.name))

    @get("/sub-licences/{number:str}", **READERS)
    async def sub_licence(self, number: FromPath[str], as_of: FromQuery[dt.date | None] = None) -> dict[str, Any]:
        """Broker status for inspectors: is the broker sub-licensed, to whom, and on `as_of`?
        `may_recruit` is true only when the sub-licence and the agency's licence are both in force."""
        return await queries.licence_answer(number, as_of)

    @get("/sub-licences/{number:str}/history", **READERS)
    async def sub_licence_history(self, number: FromPath[str]) -> dict[str, Any]:
        return await queries.history(number)

    @post("/sub-licences/{number:str}/renew", status_code=200, **OFFICERS)
    async def renew_sub(self, request: Request, number: FromPath[str], data: JSONBody[Renewal]) -> ActionOut:
        return await _renewal(services.renew_sub_licence, request, number, data)

    @post("/sub-licences/{number:str}/suspend", status_code=200, **OFFICERS)
    async def suspend_sub(self, request: Request, number: FromPath[str], data: JSONBody[StatusAction]) -> ActionOut:
        return await _status_action(services.suspend_sub_licence, request, number, data)

    @post("/sub-licences/{number:str}/reinstate", status_code=200, **OFFICERS)
    async def reinstate_sub(self, request: Request, number: FromPath[str], data: JSONBody[StatusAction]) -> ActionOut:
        return await _status_action(services.reinstate_sub_licence, request, number, data)

    @post("/sub-licences/{number:str}/withdraw", status_code=200, **OFFICERS)
    async def withdraw_sub(self, request: Request, number: FromPath[str], data: JSONBody[StatusAction]) -> ActionOut:
        return await _status_action(services.withdraw_sub_licence, request, number, data)

    # --- history -----------------------------------------------------------------------
    @get("/history", **OFFICERS)
    async def history(
        self,
        entity: Annotated[str | None, QueryParameter(max_length=60)] = None,
        key: Annotated[str | None, QueryParameter(max_length=100)] = None,
        since: FromQuery[dt.datetime | None] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> list[dict[str, Any]]:
        """Every registry change and flag decision: who, when, before and after (newest first)."""
        return await directory.change_history(entity=entity, key=key, since=since, limit=limit, offset=offset)
