"""Summary charts rendered on the server as SVG (matplotlib), so they show without JavaScript
and print sharply at any size.

Rule families are told apart by hatching as well as colour, so a grey-scale print still reads.
Text stays text in the SVG (`svg.fonttype = none`): smaller files, selectable, searchable.
"""
from __future__ import annotations

import io
from collections import Counter

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402  (backend first)

from registry.reports.summary import Summary  # noqa: E402

FAMILY_STYLE = {
    "FEE": ("#0072B2", "//"),
    "WRK": ("#E69F00", ".."),
    "LIC": ("#D55E00", "xx"),
    "FRD": ("#CC79A7", "\\\\"),
}
OTHER_STYLE = ("#999999", "--")
MIN_MONTH_SLOTS = 12
RC = {"svg.fonttype": "none", "font.size": 9, "svg.hashsalt": "fairrecruit",
      "font.family": ["DejaVu Sans", "Khmer OS"]}
"""Khmer OS (Debian fonts-khmeros) measures Khmer agency names; browsers shape the text."""


def _family_order(family: str) -> tuple[int, str]:
    """The catalogue's order (FEE, WRK, LIC, FRD), then any new family alphabetically."""
    order = list(FAMILY_STYLE)
    return (order.index(family) if family in order else len(order), family)


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context(RC):
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog and doctype: the SVG is inlined


def _empty(figure: Figure, message: str) -> str:
    figure.text(0.5, 0.5, message, ha="center", va="center")
    return _svg(figure)


def _months_between(first: str, last: str) -> list[str]:
    """Every month from first to last ('YYYY-MM'), so gaps show as empty months on the axis."""
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def families_over_time(summary: Summary) -> str:
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(8, 3.2))
        if not summary.by_month:
            return _empty(figure, "No findings yet")
        axes = figure.subplots()
        months = _months_between(next(iter(summary.by_month)), list(summary.by_month)[-1])
        bottom = [0] * len(months)
        for family in sorted(summary.families, key=_family_order):
            counts = [summary.by_month.get(m, Counter()).get(family, 0) for m in months]
            colour, hatch = FAMILY_STYLE.get(family, OTHER_STYLE)
            axes.bar(range(len(months)), counts, bottom=bottom, label=family, color=colour,
                     hatch=hatch, edgecolor="black", linewidth=0.4)
            bottom = [b + c for b, c in zip(bottom, counts)]
        step = max(1, len(months) // 12)
        axes.set_xticks(range(0, len(months), step), months[::step], rotation=45, ha="right")
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_ylabel("findings")
        axes.set_title("Findings per rule family, by month of signing")
        axes.set_xlim(-0.5, max(len(months), MIN_MONTH_SLOTS) - 0.5)  # one month is not a wall
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, title="family")
        axes.spines[["top", "right"]].set_visible(False)
        return _svg(figure)


def _horizontal(title: str, labels: list[str], values: list[int], colour: str, empty: str) -> str:
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(8, 0.6 + 0.3 * max(1, len(labels))))
        if not labels:
            return _empty(figure, empty)
        axes = figure.subplots()
        positions = range(len(labels))
        axes.barh(positions, values, color=colour, edgecolor="black", linewidth=0.4)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        for y, value in zip(positions, values):
            axes.annotate(str(value), (value, y), xytext=(3, 0), textcoords="offset points", va="center")
        axes.set_title(title)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.spines[["top", "right"]].set_visible(False)
        return _svg(figure)


def by_province(summary: Summary) -> str:
    return _horizontal(
        "Findings per province of the agency (or broker)",
        [p for p, _ in summary.by_province], [n for _, n in summary.by_province],
        "#56B4E9", "No findings yet",
    )


def top_critical(summary: Summary) -> str:
    return _horizontal(
        "Agencies with the most critical indicators",
        [f"{name} ({number})" for number, name, _ in summary.top_critical],
        [n for _, _, n in summary.top_critical],
        "#D55E00", "No critical indicators recorded",
    )


def all_charts(summary: Summary) -> dict[str, str]:
    return {
        "families": families_over_time(summary),
        "provinces": by_province(summary),
        "critical": top_critical(summary),
    }
