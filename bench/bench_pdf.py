"""PDF reading figures on a labelled corpus: per producer, the share of the agency's registered
Khmer name and address words found verbatim, per text layer and for the combined reader;
milliseconds per page per layer; OCR seconds per page. Times are given as wall clock and as
CPU time (this process plus its pdftotext/tesseract children), which is what to compare when
the machine is shared.

    python bench/bench_pdf.py [CORPUS_DIR] [--no-ocr] [--ocr-sample N]

CORPUS_DIR defaults to ../shared/corpus (it holds contracts/labels.jsonl and
registry/agencies.csv). OCR timing bypasses the OCR cache; the combined reader uses it.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
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


class Clock:
    """Wall and CPU seconds (self + waited-for children) of a block."""

    def __enter__(self) -> "Clock":
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *_) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, _cpu() - self.cpu


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def layer_texts(data: bytes) -> tuple[dict[str, str], dict[str, tuple[float, float]], int]:
    """Text per layer through the same layout step as the reader, and (wall, CPU) ms/page."""
    pdf = pdfium.PdfDocument(data)
    pages = len(pdf)
    texts, ms = {}, {}
    with Clock() as clock:
        poppler_pages = poppler.words_by_page(data, pages)
    ms["pdftotext"] = (clock.wall * 1000 / pages, clock.cpu * 1000 / pages)
    words = {"pdftotext": poppler_pages or [[] for _ in range(pages)]}
    with Clock() as clock:
        words["pypdfium2"] = [pdfium_layer.page_words(pdf[i]) for i in range(pages)]
    ms["pypdfium2"] = (clock.wall * 1000 / pages, clock.cpu * 1000 / pages)
    with Clock() as clock, plumber.open_pdf(data) as opened:
        words["pdfplumber"] = [plumber.page_words(page) for page in opened.pages]
    ms["pdfplumber"] = (clock.wall * 1000 / pages, clock.cpu * 1000 / pages)
    for name, per_page in words.items():
        texts[name] = "\n".join(
            line.text for page in per_page for line in layout.lines_in_reading_order(page)
        )
    pdf.close()
    return texts, ms, pages


def ocr_seconds(data: bytes, page_index: int) -> tuple[float, float]:
    """(wall, CPU) seconds to render and OCR one page, bypassing the cache."""
    pdf = pdfium.PdfDocument(data)
    limits = ReadLimits()
    with Clock() as clock:
        png, scale = ocr.render_png(pdf, page_index, limits)
        ocr.recognise(png, 1 / scale, limits)
    pdf.close()
    return clock.wall, clock.cpu


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
        with Clock() as clock:
            document = read_pdf(data, ocr=not args.no_ocr)
        speed["combined reader"].append((clock.wall * 1000 / pages, clock.cpu * 1000 / pages))
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
    print("\nms per page, median over PDFs: wall / CPU (combined: OCR from the cache when warm)")
    for name, values in speed.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        print(f"  {name:<16} {wall:8.1f} / {cpu:8.1f}")
    print("\npages by chosen source per producer")
    for producer, counts in sorted(sources.items()):
        print(f"  {producer:<12} {dict(counts)}")
    if ocr_pages and args.ocr_sample:
        step = max(1, len(ocr_pages) // args.ocr_sample)
        timings = [ocr_seconds(data, index) for data, index in ocr_pages[::step][: args.ocr_sample]]
        walls, cpus = [t[0] for t in timings], [t[1] for t in timings]
        print(f"\nOCR (tesseract {ocr.LANGUAGES}, {ReadLimits().ocr_dpi} dpi, OMP_THREAD_LIMIT=1, "
              f"uncached), mean over {len(timings)} pages: wall {statistics.mean(walls):.2f} s/page "
              f"(min {min(walls):.2f}, max {max(walls):.2f}), CPU {statistics.mean(cpus):.2f} s/page; "
              f"{len(ocr_pages)} pages OCR'd by the reader")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
