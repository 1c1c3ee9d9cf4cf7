"""Flags: inspectors filter, assign and move them through the workflow (`registry.flags`)."""
from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.auth import allow
from api.schemas import FlagAssign, FlagDetail, FlagMove, FlagNote, FlagOut, FlagStatus, Severity
from registry import flags

INSPECTORS = allow("inspector")


class FlagController(Controller):
    path = "/api/v1/flags"
    tags = ["flags"]

    @get("/", **INSPECTORS)
    async def list_flags(
        self,
        agency: Annotated[str | None, QueryParameter(max_length=60, description="Agency licence number.")] = None,
        broker: Annotated[str | None, QueryParameter(max_length=60, description="Broker sub-licence number.")] = None,
        rule: Annotated[str | None, QueryParameter(max_length=10)] = None,
        severity: FromQuery[Severity | None] = None,
        status: FromQuery[FlagStatus | None] = None,
        assignee: Annotated[str | None, QueryParameter(max_length=200)] = None,
        contract_id: Annotated[int | None, QueryParameter(ge=1)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> list[FlagOut]:
        rows = await flags.list_flags(
            agency=agency, broker=broker, rule=rule, severity=severity, status=status,
            assignee=assignee, contract_id=contract_id, limit=limit, offset=offset,
        )
        return [FlagOut(**row) for row in rows]

    @get("/{flag_id:int}", **INSPECTORS)
    async def get_flag(self, flag_id: FromPath[int]) -> FlagDetail:
        return FlagDetail(**await flags.get_flag(flag_id))

    @post("/{flag_id:int}/assign", status_code=200, **INSPECTORS)
    async def assign(self, request: Request, flag_id: FromPath[int], data: JSONBody[FlagAssign]) -> FlagDetail:
        return FlagDetail(**await flags.assign(
            flag_id, data.assignee, actor=request.state.user.name, expected_version=data.expected_version))

    @post("/{flag_id:int}/status", status_code=200, **INSPECTORS)
    async def move(self, request: Request, flag_id: FromPath[int], data: JSONBody[FlagMove]) -> FlagDetail:
        return FlagDetail(**await flags.move(
            flag_id, data.to_status, note=data.note, actor=request.state.user.name,
            expected_version=data.expected_version))

    @post("/{flag_id:int}/notes", status_code=200, **INSPECTORS)
    async def note(self, request: Request, flag_id: FromPath[int], data: JSONBody[FlagNote]) -> FlagDetail:
        return FlagDetail(**await flags.add_note(
            flag_id, data.note, actor=request.state.user.name, expected_version=data.expected_version))
