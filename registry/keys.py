"""The installation's secret for hashing worker passport numbers.

A passport number is personal data; only its keyed hash is stored, so that two contracts of
the same worker can be matched (FRD001) without keeping the number. A plain hash would be
reversible by trying every number of the (small) passport-number space, hence HMAC with a
secret key kept out of the database.
"""
from __future__ import annotations

import os
import secrets

from registry.settings import data_dir

ENV_VAR = "FAIRRECRUIT_PASSPORT_HASH_KEY"
KEY_FILE = "passport-hash.key"


def passport_hash_key() -> bytes:
    """The key from FAIRRECRUIT_PASSPORT_HASH_KEY (hex), else from `data_dir()/passport-hash.key`,
    generated there (32 random bytes, mode 0600) on first use."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return bytes.fromhex(configured.strip())
    path = data_dir() / KEY_FILE
    if path.exists():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key
