"""The registry's tables (Piccolo).

Status is never a column: a licence's or sub-licence's status on a date is derived from its
events (see `registry.status`). Numbers are stored as printed and as a normalised key, so
"MLVT-PRA-018/2011", "mlvt pra 018 2011" and Khmer digits all find the same row.
"""
from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

LICENCE_EVENTS = ("issued", "renewed", "suspended", "reinstated", "revoked", "expired")
SUB_LICENCE_EVENTS = ("granted", "renewed", "suspended", "reinstated", "revoked", "withdrawn", "expired")
FLAG_STATUSES = ("open", "in_review", "confirmed", "dismissed", "closed")
SEVERITIES = ("critical", "high", "medium", "low", "info")
ROLES = ("admin", "officer", "inspector")


class Agency(Table, tablename="agency"):
    name_en = Varchar(length=300, index=True, help_text="Registered legal name in Latin script.")
    name_km = Varchar(length=300, default="", help_text="Registered legal name in Khmer script.")
    address_en = Text(default="", help_text="Registered office address in English.")
    address_km = Text(default="", help_text="Registered office address in Khmer.")
    province = Varchar(length=100, default="", index=True, help_text="Province of the office.")
    phone = Varchar(length=100, default="", help_text="Office telephone number(s).")
    officers = JSON(default=[], help_text="Named officers/directors: list of {name, role}; kept so re-registrations under new names can be traced.")
    created_at = Timestamptz(default=TimestamptzNow(), help_text="When the agency was first registered in fairrecruit.")


class Licence(Table, tablename="licence"):
    number = Varchar(length=60, unique=True, help_text="Ministry licence number as issued, e.g. MLVT-PRA-018/2011.")
    number_norm = Varchar(length=60, unique=True, help_text="Normalised number (ASCII digits and letters only) used for matching.")
    agency = ForeignKey(references=Agency, null=False, index=True, help_text="The agency that holds this licence.")
    destinations = JSON(default=[], help_text="Authorised destination countries, ISO 3166-1 alpha-2 codes (current list, not versioned).")
    sectors = JSON(default=[], help_text="Authorised sectors, if the ministry names any.")
    version = Integer(default=0, help_text="Incremented on every change; used to refuse stale (concurrent) writes.")


class LicenceEvent(Table, tablename="licence_event"):
    licence = ForeignKey(references=Licence, null=False, index=True, help_text="The licence this event belongs to.")
    event = Varchar(length=20, help_text="issued, renewed, suspended, reinstated, revoked or expired.")
    date = Date(index=True, help_text="The day the event takes effect: the licence has the new status from this day.")
    valid_until = Date(null=True, default=None, help_text="For issued/renewed: the last day of the validity term this event starts.")
    reason = Text(default="", help_text="Why the event happened (required for suspend/reinstate/revoke).")
    actor = Varchar(length=200, default="", help_text="Who recorded the event (user name or importer).")
    recorded_at = Timestamptz(default=TimestamptzNow(), help_text="When the event was recorded in fairrecruit.")


class Broker(Table, tablename="broker"):
    name_en = Varchar(length=200, index=True, help_text="Name in Latin transliteration, family name first.")
    name_km = Varchar(length=200, default="", help_text="Name in Khmer script.")
    sex = Varchar(length=1, default="", help_text="M or F, as registered.")
    national_id = Varchar(length=60, null=True, default=None, help_text="National ID card number, if registered.")
    province = Varchar(length=100, default="", help_text="Province where the broker works.")
    district = Varchar(length=100, default="", help_text="District where the broker works.")
    phone = Varchar(length=100, default="", help_text="Telephone number.")
    created_at = Timestamptz(default=TimestamptzNow(), help_text="When the broker was first registered in fairrecruit.")


class SubLicence(Table, tablename="sub_licence"):
    number = Varchar(length=60, unique=True, help_text="Sub-licence number as granted, e.g. MLVT-SUB-0026/2018.")
    number_norm = Varchar(length=60, unique=True, help_text="Normalised number used for matching.")
    broker = ForeignKey(references=Broker, null=False, index=True, help_text="The broker authorised by this sub-licence.")
    licence = ForeignKey(references=Licence, null=False, index=True, help_text="The agency licence under which the broker recruits.")
    version = Integer(default=0, help_text="Incremented on every change; used to refuse stale (concurrent) writes.")


class SubLicenceEvent(Table, tablename="sub_licence_event"):
    sub_licence = ForeignKey(references=SubLicence, null=False, index=True, help_text="The sub-licence this event belongs to.")
    event = Varchar(length=20, help_text="granted, renewed, suspended, reinstated, revoked, withdrawn or expired.")
    date = Date(index=True, help_text="The day the event takes effect.")
    valid_until = Date(null=True, default=None, help_text="For granted/renewed: the last day of the term this event starts.")
    reason = Text(default="", help_text="Why the event happened.")
    actor = Varchar(length=200, default="", help_text="Who recorded the event.")
    recorded_at = Timestamptz(default=TimestamptzNow(), help_text="When the event was recorded in fairrecruit.")


class Contract(Table, tablename="contract"):
    sha256 = Varchar(length=64, unique=True, help_text="SHA-256 of the PDF bytes: the same file twice is one contract.")
    file_name = Varchar(length=300, default="", help_text="File name as uploaded (no path).")
    pages = Integer(default=0, help_text="Number of pages in the PDF.")
    status = Varchar(length=20, default="checked", help_text="checked or needs_ocr.")
    language = Varchar(length=10, default="", help_text="en, km or km+en, detected from the text.")
    signing_date = Date(null=True, default=None, help_text="Signing date extracted from the contract.")
    licence = ForeignKey(references=Licence, null=True, default=None, index=True, help_text="The agency licence the contract was resolved to, if any.")
    sub_licence = ForeignKey(references=SubLicence, null=True, default=None, index=True, help_text="The broker sub-licence the contract was resolved to, if any.")
    passport_hash = Varchar(length=64, null=True, default=None, index=True, help_text="Keyed hash (HMAC-SHA256) of the worker's passport number; the number itself is never stored.")
    terms = JSON(default={}, help_text="Extracted terms (without worker identity), each value with its provenance.")
    ingested_at = Timestamptz(default=TimestamptzNow(), help_text="When the contract was ingested.")


class Flag(Table, tablename="flag"):
    contract = ForeignKey(references=Contract, null=False, index=True, help_text="The contract whose finding raised this flag.")
    rule = Varchar(length=10, index=True, help_text="Rule ID, e.g. FEE001.")
    severity = Varchar(length=10, index=True, help_text="critical, high, medium, low or info.")
    title = Varchar(length=200, help_text="The rule's title at the time of the finding.")
    explanation = Text(help_text="Why the rule fired for this contract.")
    evidence = JSON(default=[], help_text="List of {page, text, bbox} (and registry facts for registry rules).")
    licence = ForeignKey(references=Licence, null=True, default=None, index=True, help_text="Agency licence the flag concerns, if resolved.")
    sub_licence = ForeignKey(references=SubLicence, null=True, default=None, index=True, help_text="Broker sub-licence the flag concerns, if resolved.")
    status = Varchar(length=20, default="open", index=True, help_text="open, in_review, confirmed, dismissed or closed.")
    assignee = Varchar(length=200, default="", help_text="Inspector the flag is assigned to.")
    created_at = Timestamptz(default=TimestamptzNow(), help_text="When the flag was raised.")
    version = Integer(default=0, help_text="Incremented on every change; used to refuse stale writes.")


class FlagEvent(Table, tablename="flag_event"):
    flag = ForeignKey(references=Flag, null=False, index=True, help_text="The flag this history entry belongs to.")
    action = Varchar(length=20, help_text="raised, assigned, status or note.")
    from_status = Varchar(length=20, default="", help_text="Status before the change.")
    to_status = Varchar(length=20, default="", help_text="Status after the change.")
    note = Text(default="", help_text="Inspector's note or reason (required for dismissal).")
    actor = Varchar(length=200, default="", help_text="Who made the change.")
    at = Timestamptz(default=TimestamptzNow(), help_text="When the change was made.")


class AuditLog(Table, tablename="audit_log"):
    at = Timestamptz(default=TimestamptzNow(), help_text="When the change was made.")
    actor = Varchar(length=200, help_text="Who made the change.")
    action = Varchar(length=60, help_text="What was done, e.g. licence.suspend.")
    entity = Varchar(length=60, help_text="Kind of record changed, e.g. licence.")
    entity_key = Varchar(length=100, help_text="Identifier of the record changed, e.g. its number.")
    before = JSON(default={}, help_text="The record's relevant state before the change.")
    after = JSON(default={}, help_text="The record's relevant state after the change.")
    prev_hash = Varchar(length=64, default="", help_text="Hash of the previous audit entry (hash chain).")
    entry_hash = Varchar(length=64, default="", help_text="SHA-256 over this entry's content and prev_hash.")


class Inspection(Table, tablename="inspection"):
    licence = ForeignKey(references=Licence, null=True, default=None, index=True, help_text="Agency licence inspected (null when a broker was inspected).")
    sub_licence = ForeignKey(references=SubLicence, null=True, default=None, index=True, help_text="Broker sub-licence inspected (null when an agency was inspected).")
    date = Date(help_text="Day of the inspection.")
    inspector = Varchar(length=200, help_text="Who inspected.")
    outcome = Varchar(length=30, help_text="Outcome category; its effect on the risk score is set in the weights data file.")
    notes = Text(default="", help_text="Inspector's notes.")
    recorded_at = Timestamptz(default=TimestamptzNow(), help_text="When the inspection was recorded.")


class ApiUser(Table, tablename="api_user"):
    name = Varchar(length=200, unique=True, help_text="User name.")
    role = Varchar(length=20, help_text="admin, officer or inspector.")
    token_hash = Varchar(length=128, unique=True, help_text="SHA-256 of the API token; the token itself is shown once and never stored.")
    active = Boolean(default=True, help_text="False once the token is revoked.")
    expires_at = Timestamptz(null=True, default=None, help_text="When the token stops working; null for no expiry.")
    created_at = Timestamptz(default=TimestamptzNow(), help_text="When the user was created.")


ALL_TABLES: tuple[type[Table], ...] = (
    Agency,
    Licence,
    LicenceEvent,
    Broker,
    SubLicence,
    SubLicenceEvent,
    Contract,
    Flag,
    FlagEvent,
    AuditLog,
    Inspection,
    ApiUser,
)
