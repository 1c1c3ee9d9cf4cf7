"""PDF reading figures on a labelled corpus: per producer, the share of the agency's registered
Khmer name and address words found verbatim, per text layer and for the combined reader;
milliseconds per page per layer; OCR seconds per page.

    python bench/bench_pdf.py [CORPUS_DIR] [--no-ocr] [--ocr-sample N]

CORPUS_DIR defaults to ../shared/corpus (it holds contracts/labels.jsonl and
registry/agencies.csv). OCR timing bypasses the OCR cache; the combined reader uses it.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

import pypdfium2 as pdfium

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from importers.pdf import layout, ocr, pdfium as pdfium_layer, plumber, poppler  # noqa: E402
from importers.pdf.limits import ReadLimits  # noqa: E402
from importers.pdf.reader import read_pdf  # noqa: E402
from registry.numbers import ascii_digits  # noqa: E402

LAYERS = ("pdftotext", "pypdfium2", "pdfplumber")


def licence_key(printed: str | None) -> tuple[str, str] | None:
    """(serial, year) of a licence number however it is printed."""
    if not printed:
        return None
    numbers = re.findall(r"\d+", ascii_digits(printed))
    years = [n for n in numbers if len(n) == 4]
    serials = [n for n in numbers if len(n) <= 3]
    return (serials[0].zfill(3), years[0]) if years and serials else None


def agency_words(corpus: Path) -> dict[tuple[str, str], list[str]]:
    words = {}
    with open(corpus / "registry" / "agencies.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = licence_key(row["licence_no"])
            text = unicodedata.normalize("NFC", row["name_km"] + " " + row["address_km"])
            words[key] = text.split()
    return words


def share_found(words: list[str], text: str) -> float:
    text = unicodedata.normalize("NFC", text)
    return sum(word in text for word in words) / len(words)


def layer_texts(data: bytes) -> tuple[dict[str, str], dict[str, float], int]:
    """Text per layer through the same layout step as the reader, and ms per page."""
    pdf = pdfium.PdfDocument(data)
    pages = len(pdf)
    texts, ms = {}, {}
    started = time.perf_counter()
    poppler_pages = poppler.words_by_page(data, pages)
    ms["pdftotext"] = (time.perf_counter() - started) * 1000 / pages
    words = {"pdftotext": poppler_pages or [[] for _ in range(pages)]}
    started = time.perf_counter()
    words["pypdfium2"] = [pdfium_layer.page_words(pdf[i]) for i in range(pages)]
    ms["pypdfium2"] = (time.perf_counter() - started) * 1000 / pages
    started = time.perf_counter()
    with plumber.open_pdf(data) as opened:
        words["pdfplumber"] = [plumber.page_words(page) for page in opened.pages]
    ms["pdfplumber"] = (time.perf_counter() - started) * 1000 / pages
    for name, per_page in words.items():
        texts[name] = "\n".join(
            line.text for page in per_page for line in layout.lines_in_reading_order(page)
        )
    pdf.close()
    return texts, ms, pages


def ocr_seconds(data: bytes, page_index: int) -> tuple[float, str]:
    pdf = pdfium.PdfDocument(data)
    limits = ReadLimits()
    started = time.perf_counter()
    png, scale = ocr._render_png(pdf, page_index, limits)
    words = ocr._run_tesseract(png, 1 / scale, limits)
    pdf.close()
    return time.perf_counter() - started, " ".join(w.text for w in words)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", default=Path(__file__).resolve().parents[2] / "shared" / "corpus", type=Path)
    parser.add_argument("--no-ocr", action="store_true", help="combined reader without OCR")
    parser.add_argument("--ocr-sample", type=int, default=4, help="pages timed for OCR")
    args = parser.parse_args()
    agencies = agency_words(args.corpus)
    labels = [json.loads(line) for line in open(args.corpus / "contracts" / "labels.jsonl")]
    found: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    speed: dict[str, list[float]] = defaultdict(list)
    sources: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ocr_pages = []
    for label in labels:
        data = (args.corpus / "contracts" / label["file"]).read_bytes()
        texts, ms, pages = layer_texts(data)
        for name, value in ms.items():
            speed[name].append(value)
        started = time.perf_counter()
        document = read_pdf(data, ocr=not args.no_ocr)
        speed["combined reader"].append((time.perf_counter() - started) * 1000 / pages)
        for page in document.pages:
            sources[label["producer"]][page.source] += 1
            if page.source == "ocr":
                ocr_pages.append((data, page.number - 1))
        key = licence_key(label["fields"].get("agency_licence_no"))
        if label["language"] == "en" or key not in agencies:
            continue
        words = agencies[key]
        for name, text in texts.items():
            found[label["producer"]][name].append(share_found(words, text))
        found[label["producer"]]["combined reader"].append(share_found(words, document.text))
    print("Khmer words of the agency's registered name+address found verbatim (mean per PDF)")
    columns = [*LAYERS, "combined reader"]
    print(f"{'producer':<12} {'PDFs':>4} " + " ".join(f"{c:>15}" for c in columns))
    for producer, per_layer in sorted(found.items()):
        count = len(per_layer["combined reader"])
        cells = " ".join(f"{statistics.mean(per_layer[c]) * 100:>14.0f}%" for c in columns)
        print(f"{producer:<12} {count:>4} {cells}")
    print("\nms per page (median over PDFs; combined includes OCR-cache hits or misses)")
    for name, values in speed.items():
        print(f"  {name:<16} {statistics.median(values):8.1f}")
    print("\npages by chosen source per producer")
    for producer, counts in sorted(sources.items()):
        print(f"  {producer:<12} {dict(counts)}")
    if ocr_pages and args.ocr_sample:
        step = max(1, len(ocr_pages) // args.ocr_sample)
        timings = [ocr_seconds(data, index)[0] for data, index in ocr_pages[::step][: args.ocr_sample]]
        print(f"\nOCR (tesseract {ocr.LANGUAGES}, {ReadLimits().ocr_dpi} dpi, OMP_THREAD_LIMIT=1, "
              f"uncached): {statistics.mean(timings):.2f} s/page mean over {len(timings)} pages "
              f"(min {min(timings):.2f}, max {max(timings):.2f}); {len(ocr_pages)} pages OCR'd")


if __name__ == "__main__":
    main()
