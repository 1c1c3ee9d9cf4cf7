"""Helpers every command shares: running async services, the error convention, JSON output."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import NoReturn, TypeVar

import click

from registry.errors import FairrecruitError

T = TypeVar("T")


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def run(make: Callable[[], Awaitable[T]], *, needs_schema: bool = True) -> T:
    """Run one async service call; domain errors become a one-line message on stderr."""

    async def wrapped() -> T:
        if needs_schema:
            from registry.db import ensure_schema

            await ensure_schema()
        return await make()

    try:
        return asyncio.run(wrapped())
    except FairrecruitError as exc:
        fail(str(exc))


def _default(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(value: object, *, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, default=_default, indent=indent)


def parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"not a date (YYYY-MM-DD): {value!r}")
