"""Signed check results: anyone can later prove what the registry said, and when.

The server keeps one Ed25519 key in `registry.settings.data_dir()` (made on first run, file
mode 0600). A check result is a JSON payload; the signature covers its canonical form (keys
sorted, no spaces, UTF-8), so a verifier needs only the payload, the signature and the public
key served at `/.well-known/fairrecruit-signing-key`. Offline: `python -m api.verify_check
FILE --public-key KEY` (PyNaCl only, no database).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

KEY_FILE = "signing_key.ed25519"
ALGORITHM = "Ed25519"


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(verify_key: VerifyKey) -> str:
    """Short fingerprint printed on check results so a reader can tell keys apart."""
    return hashlib.sha256(bytes(verify_key)).hexdigest()[:16]


def load_or_create_key(directory: Path) -> SigningKey:
    path = directory / KEY_FILE
    if path.exists():
        return SigningKey(unb64(path.read_text().strip()))
    directory.mkdir(parents=True, exist_ok=True)
    key = SigningKey.generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(b64(bytes(key)) + "\n")
    return key


def verify_document(document: dict, public_key: str) -> bool:
    """True when `document` = {payload, signature} was signed by the key `public_key` (base64url)."""
    try:
        payload = document["payload"]
        signature = unb64(document["signature"])
        VerifyKey(unb64(public_key)).verify(canonical(payload), signature)
    except (BadSignatureError, KeyError, TypeError, ValueError):
        return False
    return True


class Signer:
    def __init__(self, key: SigningKey) -> None:
        self._key = key
        self.verify_key = key.verify_key
        self.public_key = b64(bytes(self.verify_key))
        self.key_id = key_id(self.verify_key)

    @classmethod
    def from_data_dir(cls, directory: Path) -> "Signer":
        return cls(load_or_create_key(directory))

    def sign(self, payload: dict) -> dict:
        signature = self._key.sign(canonical(payload)).signature
        return {"payload": payload, "signature": b64(signature), "key_id": self.key_id, "algorithm": ALGORITHM}

    def verify(self, document: dict) -> bool:
        return verify_document(document, self.public_key)

    def public_key_document(self) -> dict:
        return {"algorithm": ALGORITHM, "public_key": self.public_key, "key_id": self.key_id,
                "encoding": "base64url, no padding; the raw 32-byte Ed25519 public key",
                "signed_bytes": "canonical JSON of `payload`: keys sorted, separators ',' ':', UTF-8"}
