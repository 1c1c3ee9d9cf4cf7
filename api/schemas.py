"""Request and response bodies of the JSON API, written by hand so the OpenAPI schema says
exactly what is accepted. Every string has a maximum length: together with the per-route
body-size limits this bounds what one request can make the server hold."""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["admin", "officer", "inspector"]
FlagStatus = Literal["open", "in_review", "confirmed", "dismissed", "closed"]
Severity = Literal["critical", "high", "medium", "low", "info"]
LookupKind = Literal["agency", "broker"]
LookupStatus = Literal["active", "suspended", "revoked", "expired", "not_yet_valid", "not_found", "ambiguous"]

Reason = Field(min_length=1, max_length=2000, description="Why; recorded in the history and audit log.")
Number = Field(min_length=1, max_length=60)
Name = Field(min_length=1, max_length=300)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """RFC 9457 problem details (media type application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str


# --- users -------------------------------------------------------------------------------
class UserCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    role: Role
    expires_at: dt.datetime | None = None


class UserOut(BaseModel):
    name: str
    role: str
    active: bool
    expires_at: dt.datetime | None
    created_at: dt.datetime


class UserCreated(UserOut):
    token: str = Field(description="Shown once; only its hash is stored.")


# --- flags -------------------------------------------------------------------------------
class FlagEventOut(BaseModel):
    action: str
    from_status: str
    to_status: str
    note: str
    actor: str
    at: dt.datetime


class FlagOut(BaseModel):
    id: int
    contract_id: int
    rule: str
    severity: str
    title: str
    explanation: str
    evidence: list[dict[str, Any]]
    status: str
    assignee: str
    created_at: dt.datetime
    version: int
    licence_number: str | None
    agency_name: str | None
    sub_licence_number: str | None
    broker_name: str | None


class FlagDetail(FlagOut):
    history: list[FlagEventOut]


class FlagAssign(Strict):
    assignee: str = Field(max_length=200, description="Inspector's user name; empty to unassign.")
    expected_version: int | None = Field(default=None, ge=0, description="The version you saw; a 409 if it changed.")


class FlagMove(Strict):
    to_status: FlagStatus
    note: str = Field(default="", max_length=4000, description="Required when dismissing.")
    expected_version: int | None = Field(default=None, ge=0)


class FlagNote(Strict):
    note: str = Field(min_length=1, max_length=4000)
    expected_version: int | None = Field(default=None, ge=0)


# --- signed checks -----------------------------------------------------------------------
class SignedDocument(Strict):
    payload: dict[str, Any]
    signature: str = Field(min_length=1, max_length=200)
    key_id: str | None = Field(default=None, max_length=64)
    algorithm: str | None = Field(default=None, max_length=20)


class VerifyResult(BaseModel):
    valid: bool
    key_id: str


# --- registry ----------------------------------------------------------------------------
class OfficerName(Strict):
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(default="", max_length=100)


class AgencyCreate(Strict):
    name_en: str = Name
    name_km: str = Field(default="", max_length=300)
    address_en: str = Field(default="", max_length=1000)
    address_km: str = Field(default="", max_length=1000)
    province: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=100)
    officers: list[OfficerName] = Field(default_factory=list, max_length=50)


class LicenceIssue(Strict):
    number: str = Number
    issued_on: dt.date
    valid_until: dt.date
    destinations: list[str] = Field(default_factory=list, max_length=60, description="ISO 3166-1 alpha-2 codes.")
    sectors: list[str] = Field(default_factory=list, max_length=30)
    reason: str = Field(default="", max_length=2000)


class StatusAction(Strict):
    """Suspend, reinstate, revoke or withdraw: a reason is required."""

    on: dt.date | None = Field(default=None, description="Day the action takes effect (default: today).")
    reason: str = Reason
    expected_version: int | None = Field(default=None, ge=0, description="The version you read; a 409 if it changed.")


class Renewal(Strict):
    on: dt.date | None = None
    valid_until: dt.date
    reason: str = Field(default="", max_length=2000)
    expected_version: int | None = Field(default=None, ge=0)


class BrokerCreate(Strict):
    name_en: str = Field(min_length=1, max_length=200)
    name_km: str = Field(default="", max_length=200)
    sex: Literal["", "M", "F"] = ""
    national_id: str | None = Field(default=None, max_length=60)
    province: str = Field(default="", max_length=100)
    district: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=100)


class SubLicenceGrant(Strict):
    number: str = Number
    broker_id: int = Field(ge=1)
    licence_number: str = Number
    on: dt.date
    valid_until: dt.date
    reason: str = Field(default="", max_length=2000)


class Created(BaseModel):
    id: int


class ActionOut(BaseModel):
    number: str
    version: int
    event: str
    date: dt.date
    status: str
    cascaded: list[str] = Field(default_factory=list, description="Sub-licences revoked along with the licence.")
