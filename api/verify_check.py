"""Verify a saved check result offline: `python -m api.verify_check FILE --public-key KEY`.

Needs neither a database nor the network; the public key is the one published at
`/.well-known/fairrecruit-signing-key` (or printed on the check result). Exit status 0 means
the signature is valid, 1 that it is not.
"""
from __future__ import annotations

import argparse
import json
import sys

from api.signing import verify_document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.verify_check", description=__doc__.splitlines()[0])
    parser.add_argument("file", help="the check result JSON ({payload, signature, ...})")
    parser.add_argument("--public-key", required=True, help="the server's public key (base64url)")
    args = parser.parse_args(_key_attached(sys.argv[1:] if argv is None else argv))
    with open(args.file, encoding="utf-8") as handle:
        document = json.load(handle)
    if verify_document(document, args.public_key):
        payload = document["payload"]
        print(f"valid signature: checked at {payload.get('checked_at')}, answer {payload.get('status')}")
        return 0
    print("INVALID signature: this check result was altered or signed by another key", file=sys.stderr)
    return 1


def _key_attached(argv: list[str]) -> list[str]:
    """`--public-key KEY` as `--public-key=KEY`: a base64url key starts with "-" one time in
    64, and argparse takes such a value for an option of its own ("expected one argument")."""
    out: list[str] = []
    rest = iter(argv)
    for arg in rest:
        value = next(rest, None) if arg == "--public-key" else None
        out.append(arg if value is None else f"{arg}={value}")
    return out


if __name__ == "__main__":
    sys.exit(main())
