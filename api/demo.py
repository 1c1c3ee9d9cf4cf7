"""`serve --demo`: a fresh SQLite registry with the example registry, the demo contracts and one
user per role, so a new user sees every screen working within a minute of installing."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from registry.db import engine_from_url, migrate, use_engine

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEMO_ACTOR = "demo-loader"


@dataclass(frozen=True)
class DemoCredentials:
    tokens: dict[str, str]
    admin_username: str
    admin_password: str


def prepare_directory(directory: Path) -> str:
    """Empty `directory` of a previous demo and return the SQLite URL for a fresh database."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("demo.sqlite", "demo.sqlite-wal", "demo.sqlite-shm"):
        (directory / name).unlink(missing_ok=True)
    return f"sqlite:///{directory / 'demo.sqlite'}"


async def load_demo(database_url: str) -> tuple[DemoCredentials, list[dict]]:
    """Migrate, import the example registry, ingest the demo contracts, make the users."""
    from api.admin import create_admin_login
    from api.routes.contracts import ingest_upload
    from importers.registry_import import import_registry
    from registry.users import create_user

    use_engine(engine_from_url(database_url))
    await migrate()
    await import_registry([EXAMPLES / "registry"], actor=DEMO_ACTOR)
    results = []
    for pdf in sorted((EXAMPLES / "demo" / "contracts").glob("*.pdf")):
        results.append(await ingest_upload(pdf.read_bytes(), pdf.name, DEMO_ACTOR))
    tokens = {}
    for role in ("admin", "officer", "inspector"):
        _, tokens[role] = await create_user(f"demo-{role}", role, actor=DEMO_ACTOR)
    password = secrets.token_urlsafe(12)
    await create_admin_login("demo-admin", password, actor=DEMO_ACTOR)
    return DemoCredentials(tokens, "demo-admin", password), results
