"""Configuration read from the environment, in one place."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///fairrecruit.sqlite"


def database_url() -> str:
    return os.environ.get("FAIRRECRUIT_DATABASE_URL", DEFAULT_DATABASE_URL)


def data_dir() -> Path:
    """Where generated secrets (passport-hash key, signing key) live; defaults to the cwd."""
    return Path(os.environ.get("FAIRRECRUIT_DATA_DIR", ".")).resolve()
