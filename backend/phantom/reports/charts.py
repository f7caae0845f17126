"""Charts as inline SVG, drawn here: the report loads nothing (no script, no image, no
font from anywhere), so the PDF renderer needs no network and the HTML runs no code.
Every text in a chart passes through ``escape``: feature names are the tenant's data."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 640
ROW = 22
LABEL = 190  # the left column of labels
FONT = 'font-family="sans-serif" font-size="11"'
BLUE, RED, GREY, INK = "#3b6fb6", "#c2412d", "#9aa3ad", "#1f2933"


def _number(value: float) -> str:
    if value == 0 or 0.001 <= abs(value) < 10_000:
        return f"{value:.4g}"
    return f"{value:.2e}"


def _label(text: object, limit: int = 32) -> Markup:
    raw = str(text)
    return escape(raw if len(raw) <= limit else raw[: limit - 1] + "…")


def _svg(height: int, body: list[str], title: str) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">'
    )
    svg = head + f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    return Markup(svg)  # noqa: S704 - built here from numbers and escape()d texts only


def bar_chart(items: Sequence[tuple[str, float]], title: str) -> Markup:
    """Horizontal bars from zero (negative values to the left), labelled with values."""
    values = [v for _, v in items if math.isfinite(v)]
    if not values:
        return Markup("")
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    plot = WIDTH - LABEL - 70
    zero = LABEL + plot * (0 - low) / span
    body = []
    for i, (name, value) in enumerate(items):
        y = 6 + i * ROW
        body.append(f'<text x="{LABEL - 6}" y="{y + 14}" text-anchor="end" {FONT}>')
        body.append(f"{_label(name)}</text>")
        if not math.isfinite(value):
            continue
        end = LABEL + plot * (value - low) / span
        x, w = min(zero, end), abs(end - zero)
        body.append(
            f'<rect x="{x:.1f}" y="{y + 3}" width="{max(w, 0.5):.1f}" height="{ROW - 8}" '
            f'fill="{BLUE if value >= 0 else RED}"/>'
        )
        body.append(f'<text x="{max(zero, end) + 4:.1f}" y="{y + 14}" {FONT}>')
        body.append(f"{escape(_number(value))}</text>")
    body.append(
        f'<line x1="{zero:.1f}" y1="2" x2="{zero:.1f}" y2="{8 + len(items) * ROW}" '
        f'stroke="{INK}" stroke-width="0.6"/>'
    )
    return _svg(12 + len(items) * ROW, body, title)


def interval_chart(intervals: Sequence[dict[str, float | str]], title: str) -> Markup:
    """Each metric's value with its 95 % interval, on a 0..1 axis when all fit in it."""
    numbers = [
        float(v)
        for row in intervals
        for v in (row["low"], row["high"], row["value"])
        if isinstance(v, int | float) and math.isfinite(v)
    ]
    if not numbers:
        return Markup("")
    low, high = min(numbers), max(numbers)
    if low >= 0 and high <= 1:
        low, high = 0.0, 1.0
    span = (high - low) or 1.0
    plot = WIDTH - LABEL - 30

    def x_of(value: float) -> float:
        return LABEL + plot * (value - low) / span

    body = []
    for i, row in enumerate(intervals):
        y = 6 + i * ROW + 11
        body.append(f'<text x="{LABEL - 6}" y="{y + 4}" text-anchor="end" {FONT}>')
        body.append(f"{_label(row['metric'])}</text>")
        lo, hi, value = (float(row[k]) for k in ("low", "high", "value"))
        if all(math.isfinite(v) for v in (lo, hi, value)):
            body.append(
                f'<line x1="{x_of(lo):.1f}" y1="{y}" x2="{x_of(hi):.1f}" y2="{y}" '
                f'stroke="{BLUE}" stroke-width="2"/>'
            )
            body.append(f'<circle cx="{x_of(value):.1f}" cy="{y}" r="4" fill="{INK}"/>')
    axis_y = 10 + len(intervals) * ROW
    body.append(
        f'<line x1="{LABEL}" y1="{axis_y}" x2="{LABEL + plot}" y2="{axis_y}" stroke="{GREY}"/>'
    )
    for tick in (low, (low + high) / 2, high):
        body.append(f'<text x="{x_of(tick):.1f}" y="{axis_y + 13}" text-anchor="middle" {FONT}>')
        body.append(f"{escape(_number(tick))}</text>")
    return _svg(axis_y + 18, body, title)


def confusion_chart(labels: Sequence[str], matrix: Sequence[Sequence[int]], title: str) -> Markup:
    """Counts in a grid, rows actual and columns predicted, shaded by share of the row."""
    n = len(labels)
    if n == 0 or len(matrix) != n or any(len(row) != n for row in matrix):
        return Markup("")
    cell = min(70, (WIDTH - LABEL - 10) // n)
    top = 30
    body = [
        f'<text x="{LABEL + cell * n / 2:.0f}" y="12" text-anchor="middle" {FONT}>predicted</text>'
    ]
    for j, name in enumerate(labels):
        body.append(
            f'<text x="{LABEL + j * cell + cell / 2:.0f}" y="{top - 5}" text-anchor="middle" '
            f"{FONT}>{_label(name, 10)}</text>"
        )
    for i, row in enumerate(matrix):
        total = sum(row) or 1
        y = top + i * cell
        body.append(
            f'<text x="{LABEL - 6}" y="{y + cell / 2 + 4:.0f}" text-anchor="end" {FONT}>'
            f"actual {_label(labels[i], 20)}</text>"
        )
        for j, count in enumerate(row):
            share = count / total
            shade = f"rgba(59,111,182,{0.08 + 0.8 * share:.2f})"
            body.append(
                f'<rect x="{LABEL + j * cell}" y="{y}" width="{cell}" height="{cell}" '
                f'fill="{shade}" stroke="#ffffff"/>'
            )
            body.append(
                f'<text x="{LABEL + j * cell + cell / 2:.0f}" y="{y + cell / 2 + 4:.0f}" '
                f'text-anchor="middle" {FONT}>{int(count)}</text>'
            )
    return _svg(top + n * cell + 6, body, title)


def _position(value: object, values: Sequence[object]) -> float | None:
    """Where a feature value sits among the feature's values (0 low .. 1 high), numbers
    only: the dot's colour, as in SHAP's summary plot."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    low, high = min(numbers), max(numbers)
    return 0.5 if high == low else (float(value) - low) / (high - low)


def shap_dot_chart(features: Sequence[dict[str, object]], title: str, limit: int = 10) -> Markup:
    """SHAP's summary plot: one row per feature, a dot per explained row at its SHAP
    value, blue (low feature value) to red (high); grey for categories."""
    shown = [f for f in features[:limit] if isinstance(f.get("points"), list)]
    shaps = [
        float(p[1])
        for f in shown
        for p in f["points"]  # type: ignore[attr-defined]
        if isinstance(p, list | tuple) and len(p) == 2 and isinstance(p[1], int | float)
    ]
    if not shaps:
        return Markup("")
    bound = max(abs(min(shaps)), abs(max(shaps))) or 1.0
    plot = WIDTH - LABEL - 20
    body = []
    for i, feature in enumerate(shown):
        y = 6 + i * ROW + 11
        points = [p for p in feature["points"] if isinstance(p, list | tuple) and len(p) == 2]  # type: ignore[attr-defined]
        values = [p[0] for p in points]
        body.append(f'<text x="{LABEL - 6}" y="{y + 4}" text-anchor="end" {FONT}>')
        body.append(f"{_label(feature.get('feature'))}</text>")
        for k, (value, shap) in enumerate(points):
            if not isinstance(shap, int | float) or not math.isfinite(shap):
                continue
            x = LABEL + plot * (float(shap) + bound) / (2 * bound)
            where = _position(value, values)
            colour = GREY if where is None else _blend(where)
            jitter = ((k * 7919) % 11 - 5) * 1.1  # deterministic: the same data, the same bytes
            body.append(
                f'<circle cx="{x:.1f}" cy="{y + jitter:.1f}" r="2" fill="{colour}" '
                'fill-opacity="0.7"/>'
            )
    middle = LABEL + plot / 2
    axis_y = 10 + len(shown) * ROW
    body.append(f'<line x1="{middle:.1f}" y1="2" x2="{middle:.1f}" y2="{axis_y}" stroke="{GREY}"/>')
    for tick in (-bound, 0.0, bound):
        x = LABEL + plot * (tick + bound) / (2 * bound)
        body.append(f'<text x="{x:.1f}" y="{axis_y + 13}" text-anchor="middle" {FONT}>')
        body.append(f"{escape(_number(tick))}</text>")
    return _svg(axis_y + 18, body, title)


def _blend(where: float) -> str:
    where = min(1.0, max(0.0, where))
    start, end = (59, 111, 182), (194, 65, 45)
    r, g, b = (round(s + (e - s) * where) for s, e in zip(start, end, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"
