"""What the worker (or family) must pay: `[Fee(item, amount, currency)]`.

Two structures carry fees. A cost table row names an item, an amount and who pays (`Visa |
$80 | Worker`); a sentence names the worker as payer (`The Worker shall bear: passport USD
100; visa USD 80`, `the Worker shall pay a deposit of ...`). Zero amounts, amounts paid by the
employer or agency, negated charges and penalties for leaving are not worker fees. A Khmer
and an English version of the same charge count once.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from compliance_rules.model import Clause, Fee, Source

from .money import Money, find_money
from .patterns import any_of, normalise, word_regex
from .prefilter import compile_guarded
from .sentences import sentences
from .vocab import load


@lru_cache(maxsize=1)
def _item_pattern() -> tuple[re.Pattern[str], list[str]]:
    pairs = [(item, word) for item, words in load("fee_items").items() for word in words]
    pairs.sort(key=lambda pair: len(pair[1]), reverse=True)
    body = "|".join(f"(?P<i{n}>{word_regex(word)})" for n, (_, word) in enumerate(pairs))
    return re.compile(body, re.I), [item for item, _ in pairs]


def fee_item(text: str) -> str | None:
    """The normalised cost item `text` names first (longest synonym wins at each position)."""
    pattern, items = _item_pattern()
    match = pattern.search(text)
    if not match:
        return None
    group = next(name for name, value in match.groupdict().items() if value is not None)
    return items[int(group[1:])]


def _words(key: str) -> re.Pattern[str]:
    return any_of(load("payment")[key])


def worker_fees(clauses: list[Clause]) -> list[Fee]:
    fees: list[Fee] = []
    seen: set[tuple[str, Decimal, str | None]] = set()

    def add(item: str | None, money: Money, source: Source) -> None:
        if item is None or money.amount <= 0:
            return
        key = (item, money.amount, money.currency)
        if key not in seen:
            seen.add(key)
            fees.append(Fee(item=item, amount=money.amount, currency=money.currency, source=source))

    header: list[str] | None = None
    for clause in clauses:
        cells = clause.text.split(" | ")
        if len(cells) < 2:
            header = None
            _from_prose(clause, add)
        elif not any(find_money(cell) for cell in cells):
            header = cells  # a header row: it may say who pays in each column
        else:
            _from_row(cells, header, clause, add)
    return fees


def _from_row(cells: list[str], header: list[str] | None, clause: Clause, add) -> None:
    """`item | amount | payer`, or `item | amount | amount` under a header naming the payer of
    each column (`Item | Paid by worker | Paid by employer`)."""
    item = fee_item(cells[0])
    if item is None or _words("penalty").search(clause.text):
        return
    source = Source(page=clause.page, text=clause.text, bbox=clause.bbox)
    rest = " ".join(cells[1:])
    money = find_money(rest)
    if money and _only_worker(rest):
        add(item, money[0], source)
        return
    if header is None or len(header) != len(cells):
        return
    for title, cell in zip(header[1:], cells[1:]):
        found = find_money(cell)
        if found and _only_worker(title):
            add(item, found[0], source)


def _only_worker(text: str) -> bool:
    return bool(_words("worker").search(text)) and not _words("other_payer").search(text)


def _from_prose(clause: Clause, add) -> None:
    for sentence in sentences(clause):
        text = normalise(sentence.text)
        if not _worker_pays(text):
            continue
        # A list of charges: split at `;` / `,` so each amount meets its own item.
        parts = [p for p in re.split(r"[;,](?!\d{3})|\s(?:and|និង)\s", text) if p.strip()]
        for part in parts:
            money = find_money(part)
            if not money:
                continue
            item = fee_item(part) or (fee_item(text) if len(find_money(text)) == 1 else None)
            add(item, money[0], sentence.source())


def _worker_pays(text: str) -> bool:
    """The worker is the one who pays: `the Worker shall pay/bear ...` (no other payer between
    them), `... paid by the Worker`, or a cost recovered from the worker's wages; not negated,
    not a penalty for leaving."""
    worker = _words("worker").search(text)  # before the penalty words: it rules out more
    if not worker or _words("penalty").search(text):
        return False
    verb = _words("pay_verbs").search(text, worker.end())
    if verb and not _words("other_payer").search(text[worker.end(): verb.start()]):
        return not _words("negations").search(text[: verb.end() + 20])
    passive = _PASSIVE.search(text)
    if passive:
        return not _words("negations").search(text[: passive.end()])
    return bool(_words("recovery").search(text)) and not _words("negations").search(text)


_PASSIVE = compile_guarded(
    rf"(?:(?:paid|borne|payable|covered|met)\s+by|charged\s+to)\s+(?:the\s+)?(?:{_words('worker').pattern})",
    re.I,
)
