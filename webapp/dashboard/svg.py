"""Bar charts drawn on the server as SVG: no script, no library, nothing from the internet.

A chart is 340 × 150 user units, drawn to the page's width (readable at 360 px): one bar per day,
the largest value and zero on the left, the first, middle and last day under the bars. Colours
are presentation attributes (a CSP without inline styles allows them). Each chart carries a
text alternative; the page puts the same figures in a table for screen readers.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from .trends import Series

WIDTH, HEIGHT = 340, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 6, 10, 22
BAR, EMPTY = "#b42318", "#d9dde5"


def _nice_top(largest: float, share: bool) -> float:
    if share:
        return 100
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if largest <= step:
            return step
    return largest


def _number(value: float) -> str:
    return f"{value:g}"


def chart(s: Series, summary: str) -> Markup:
    """The SVG of one series; `summary` is its text alternative (already in the page's language)."""
    values = [v for v in s.values if v is not None]
    top = _nice_top(max(values, default=0), s.share)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / len(s.days)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(summary)}" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="{LEFT}" y1="{TOP + inner_h}" x2="{WIDTH - RIGHT}" y2="{TOP + inner_h}" stroke="#5b6475"/>',
             f'<line x1="{LEFT}" y1="{TOP}" x2="{WIDTH - RIGHT}" y2="{TOP}" stroke="{EMPTY}" stroke-dasharray="3 3"/>',
             _text(LEFT - 4, TOP + 4, _number(top) + ("%" if s.share else ""), "end"),
             _text(LEFT - 4, TOP + inner_h, "0", "end")]
    for i, value in enumerate(s.values):
        x = LEFT + i * step + step * 0.15
        if value is None:
            parts.append(f'<rect x="{x:.1f}" y="{TOP + inner_h - 2}" width="{step * 0.7:.1f}" height="2" fill="{EMPTY}"/>')
            continue
        height = inner_h * (value / top) if top else 0
        parts.append(f'<rect x="{x:.1f}" y="{TOP + inner_h - height:.1f}" width="{step * 0.7:.1f}" '
                     f'height="{height:.1f}" fill="{BAR}"/>')
    for i in sorted({0, len(s.days) // 2, len(s.days) - 1}):
        x = LEFT + i * step + step / 2
        parts.append(_text(x, HEIGHT - 6, s.days[i].strftime("%m-%d"), "middle"))
    parts.append("</svg>")
    return Markup("".join(parts))


def _text(x: float, y: float, text: str, anchor: str) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" fill="#5b6475" text-anchor="{anchor}">'
            f'{escape(text)}</text>')
