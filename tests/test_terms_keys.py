"""The passport-hash key: from the environment, else a 0600 file generated once."""
from __future__ import annotations

import stat

from registry.keys import ENV_VAR, KEY_FILE, passport_hash_key


def test_key_is_generated_once_with_private_mode(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("FAIRRECRUIT_DATA_DIR", str(tmp_path))
    first = passport_hash_key()
    assert len(first) == 32
    assert passport_hash_key() == first
    mode = stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode)
    assert mode == 0o600


def test_environment_key_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRRECRUIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(ENV_VAR, "ab" * 32)
    assert passport_hash_key() == bytes.fromhex("ab" * 32)
    assert not (tmp_path / KEY_FILE).exists()
