"""Page wording in Khmer and English (Khmer first), from data files, not code."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

DATA = Path(__file__).parent / "data"
LANGUAGES = ("km", "en")
DEFAULT_LANGUAGE = "km"


@cache
def _strings() -> dict[str, dict[str, str]]:
    return json.loads((DATA / "strings.json").read_text(encoding="utf-8"))


@cache
def _countries() -> dict[str, dict[str, str]]:
    return json.loads((DATA / "countries.json").read_text(encoding="utf-8"))


def language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def context(lang: str, path: str, params: dict[str, str]) -> dict:
    """What every page template needs: its strings, a country-name function, the switch link."""
    other = "en" if lang == "km" else "km"
    strings = {key: texts[lang] for key, texts in _strings().items()}

    def country(code: str) -> str:
        return _countries().get(code, {}).get(lang, code)

    query = urlencode({**{k: v for k, v in params.items() if v}, "lang": other})
    return {"lang": lang, "other_lang": other, "s": strings, "country": country, "switch_url": f"{path}?{query}"}
