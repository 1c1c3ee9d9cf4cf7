"""Clause splitting on hand-made pages: the cues are positions and numbering, not wording."""
from __future__ import annotations

from importers.document import Document, Line, Page, Word
from importers.terms.clauses import is_heading, split_clauses


def line(text: str, x0: float, top: float, *, height: float = 10.0, char: float = 5.0) -> Line:
    """Words laid out left to right from x0 with one space-width between them."""
    words = []
    x = x0
    for token in text.split():
        words.append(Word(token, (x, top, x + char * len(token), top + height)))
        x += char * (len(token) + 1)
    return Line(words)


def page(*lines: Line, number: int = 1, width: float = 600.0) -> Page:
    return Page(number=number, width=width, height=800.0, lines=list(lines), source="pdftotext")


def doc(*pages: Page) -> Document:
    return Document(sha256="0" * 64, pages=list(pages))


def test_numbered_headings_label_clauses_and_paragraph_gaps():
    clauses = split_clauses(doc(page(
        line("Employer: Name Acme Ltd.; Country Narnia", 50, 40),
        line("Worker: Name Somebody", 50, 52),
        line("4. Hours of work", 50, 80),
        line("The worker works eight hours a day,", 50, 94),
        line("six days a week.", 50, 106),
        line("Overtime is paid at time and a half.", 50, 130),
    )))
    texts = [c.text for c in clauses]
    assert texts == [
        "Employer: Name Acme Ltd.; Country Narnia",
        "Worker: Name Somebody",
        "The worker works eight hours a day, six days a week.",
        "Overtime is paid at time and a half.",
    ]
    assert [c.heading for c in clauses] == [None, None, "4. Hours of work", "4. Hours of work"]
    body = clauses[2]
    assert body.page == 1
    assert body.bbox == (50, 94, 50 + 5 * len("The worker works eight hours a day,"), 116)


def test_side_by_side_khmer_and_english_become_separate_clauses():
    km = ["ពលករមានសិទ្ធិឈប់សម្រាក មួយថ្ងៃ ក្នុងមួយសប្តាហ៍", "ជាធម្មតានៅថ្ងៃអាទិត្យ ហើយទទួលបានប្រាក់ឈ្នួល",
          "ពេញលេញសម្រាប់ថ្ងៃនោះ តាមច្បាប់ការងារ នៃប្រទេស", "ដែលពលករធ្វើការ ហើយនិយោជកមិនអាច",
          "កាត់ប្រាក់ឈ្នួលឡើយ។"]
    en = ["The Worker has one rest day per week,", "normally on Sunday, with full pay for",
          "that day as the labour law of the", "country of work provides, and the",
          "Employer may not deduct pay."]
    lines = []
    for i, (k, e) in enumerate(zip(km, en)):
        lines.append(line(k, 40, 100 + 14 * i, char=4.0))
        lines.append(line(e, 320, 100 + 14 * i, char=4.5))
    clauses = split_clauses(doc(page(*lines)))
    assert [c.language for c in clauses] == ["km", "en"]
    assert clauses[0].text == " ".join(km)
    assert clauses[1].text == " ".join(en)
    assert clauses[0].bbox[2] < 300 < clauses[1].bbox[0]


def test_table_rows_are_clauses_with_cells():
    rows = [("Item", "Amount", "Paid by"), ("Service fee", "$500", "Worker"),
            ("Visa", "$80", "Employer"), ("Air ticket", "—", "Employer")]
    lines = []
    for i, (a, b, c) in enumerate(rows):
        top = 200 + 18 * i
        lines += [line(a, 60, top), line(b, 260, top), line(c, 400, top)]
    clauses = split_clauses(doc(page(line("9. Fees", 60, 170), *lines)))
    assert [c.text for c in clauses] == [" | ".join(r) for r in rows]
    assert all(c.heading == "9. Fees" for c in clauses)


def test_heading_only_at_end_of_page_is_kept():
    clauses = split_clauses(doc(page(line("Some text here.", 50, 40), line("Article 12 – Final provisions", 50, 70))))
    assert clauses[-1].text == "Article 12 – Final provisions"


def test_is_heading_tells_headings_from_list_items_and_dates():
    assert is_heading("Article 4 – Hours of work")
    assert is_heading("3. Wages")
    assert is_heading("ប្រការ ៥៖ ការឈប់សម្រាក")
    assert not is_heading("1. Keep the rooms clean.")
    assert not is_heading("21-Oct-1982")
    assert not is_heading("023 444 426")


def test_section_continues_on_next_page_with_its_heading():
    clauses = split_clauses(doc(
        page(line("7. Accommodation", 50, 40), line("The Employer provides a room.", 50, 54)),
        page(line("The room has clean water and electricity.", 50, 40), number=2),
    ))
    assert [(c.page, c.heading) for c in clauses] == [(1, "7. Accommodation"), (2, "7. Accommodation")]


def test_wrapped_number_after_khmer_text_continues_the_clause():
    """Regression: a wrapped `MLVT-SUB-` / `0243/2021។` was cut off as an English clause."""
    clauses = split_clauses(doc(page(
        line("ភ្នាក់ងារតំណាងដែលមានអាជ្ញាប័ណ្ណរងលេខ MLVT-SUB-", 50, 40),
        line("0243/2021។", 50, 54),
    )))
    assert [c.text for c in clauses] == ["ភ្នាក់ងារតំណាងដែលមានអាជ្ញាប័ណ្ណរងលេខ MLVT-SUB-0243/2021។"]


def test_caption_after_label_lines_opens_a_new_clause():
    clauses = split_clauses(doc(page(
        line("Country: Narnia", 50, 40),
        line("Recruitment agency", 50, 54),
        line("Name: Lotus Co., Ltd.", 50, 68),
    )))
    assert [c.text for c in clauses] == ["Country: Narnia", "Recruitment agency", "Name: Lotus Co., Ltd."]
