"""Charts for the insights' pages: SVG drawn on the server with matplotlib, for the pages to
put inline (a helper of the pages: only views use it).

Each chart is an image with a name and a description (`role="img"`, its `<title>` named by
`aria-labelledby` and its `<desc>`, the numbers in words, by `aria-describedby`), its text kept
as text (`svg.fonttype` none) so it reads, zooms and prints like the page's, in GOV.UK colours
and sized for the page's column (it shrinks with the column, never wider). The same numbers go
in a table after it and a CSV download: the chart is never the only place a figure is.

The output is deterministic: no date in the file, ids salted by the chart's own id (and every
id prefixed by it, so two charts on one page never share one). matplotlib is used through
`Figure` directly, never pyplot's global figures; its settings (rcParams) are global to the
process, so they are set only while a chart is drawn, under a lock."""

import io
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402
from matplotlib.typing import RcKeyType  # noqa: E402

# GOV.UK colours (the Design System's palette): text, secondary text, borders, and the series.
BLACK = "#0b0c0c"
DARK_GREY = "#505a5f"
MID_GREY = "#b1b4b6"
LIGHT_GREY = "#f3f2f1"
SERIES = ("#1d70b8", "#f47738", "#28a197", "#4c2c92", "#d53880", "#85994b")
TARGET = "#d4351c"

# The page's two-thirds column is 640px wide at most; a chart is drawn at that size (in
# points, 0.75 of a pixel) and shrinks with the column on a narrow screen.
WIDTH_IN = 640 / 96
DPI = 72

RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["GDS Transport", "Arial", "DejaVu Sans"],
    "font.size": 12,
    "axes.edgecolor": MID_GREY,
    "axes.labelcolor": BLACK,
    "xtick.color": DARK_GREY,
    "ytick.color": DARK_GREY,
    "text.color": BLACK,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Series:
    """One line of a time series: its name and a value (per cent, or None) per label."""

    name: str
    values: Sequence[float | None]


def share_bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    targets: Sequence[float | None] = (),
    target_label: str = "Target",
) -> str:
    """Horizontal bars of shares (per cent), a group per label and a bar per series, each
    label's target (if any) as a vertical line across its group. The SVG markup, ready to put
    in the page."""
    height = 1.2 + 0.32 * max(1, len(labels)) * max(1, len(series))
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)

    def draw():
        axes = figure.add_subplot()
        count = max(1, len(series))
        thickness = 0.8 / count
        positions = range(len(labels))
        for index, one in enumerate(series):
            values = [v if v is not None else 0 for v in one.values]
            offsets = [p - 0.4 + thickness * (index + 0.5) for p in positions]
            bars = axes.barh(
                offsets,
                values,
                height=thickness * 0.9,
                color=SERIES[index % len(SERIES)],
                label=one.name,
            )
            axes.bar_label(
                bars,
                labels=["no data" if v is None else f"{v:.1f}%" for v in one.values],
                padding=3,
                fontsize=10,
                color=BLACK,
            )
        axes.set_yticks(list(positions), [_short(label) for label in labels])
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        axes.grid(axis="x", color=LIGHT_GREY)
        axes.set_axisbelow(True)
        marked = [(p, t) for p, t in zip(positions, targets, strict=False) if t is not None]
        for number, (position, value) in enumerate(marked):
            axes.vlines(
                value,
                position - 0.45,
                position + 0.45,
                colors=TARGET,
                linestyles="--",
                linewidth=2,
                label=target_label if number == 0 else None,
            )
        if len(series) > 1 or marked:
            axes.legend(loc="lower right", frameon=False, fontsize=10)

    return _render(figure, draw, chart_id=chart_id, title=title, description=description)


def quarter_lines(
    *,
    chart_id: str,
    title: str,
    description: str,
    quarters: Sequence[str],
    series: Sequence[Series],
    targets: Sequence[tuple[str, float | None]] = (),
) -> str:
    """Shares (per cent) by quarter, a line per series, each (label, value) target given as a
    dashed line (a target of None is left out)."""
    figure = Figure(figsize=(WIDTH_IN, 3.6), dpi=DPI)

    def draw():
        axes = figure.add_subplot()
        positions = list(range(len(quarters)))
        for index, one in enumerate(series):
            points = [(p, v) for p, v in zip(positions, one.values, strict=True) if v is not None]
            axes.plot(
                [p for p, _ in points],
                [v for _, v in points],
                color=SERIES[index % len(SERIES)],
                marker="o",
                linewidth=2,
                label=one.name,
            )
        axes.set_xticks(positions, list(quarters), rotation=45 if len(quarters) > 6 else 0)
        axes.set_ylim(0, 100)
        axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        axes.grid(axis="y", color=LIGHT_GREY)
        axes.set_axisbelow(True)
        styles = ("--", ":", "-.")
        for index, (label, value) in enumerate(t for t in targets if t[1] is not None):
            axes.axhline(value, color=TARGET, linestyle=styles[index % 3], linewidth=2, label=label)
        axes.legend(loc="upper left", frameon=False, fontsize=10)

    return _render(figure, draw, chart_id=chart_id, title=title, description=description)


def _short(label: str, most: int = 28) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def _render(figure: Figure, draw, *, chart_id: str, title: str, description: str) -> str:
    out = io.StringIO()
    with _LOCK, matplotlib.rc_context({**RC, "svg.hashsalt": chart_id}):
        draw()
        figure.tight_layout()
        FigureCanvasSVG(figure).print_svg(out, metadata={"Date": None})
    return accessible(out.getvalue(), chart_id=chart_id, title=title, description=description)


_ID = re.compile(r'\sid="([^"]+)"')
_STYLE = re.compile(r'\sstyle="([^"]*)"')
_REFERENCE = re.compile(r'url\(#([^)]+)\)|xlink:href="#([^"]+)"')


def accessible(svg: str, *, chart_id: str, title: str, description: str) -> str:
    """matplotlib's SVG made fit for the page: no XML prolog or metadata; an image named by its
    title and described by its description; sized by its viewBox to fit the column; ids that
    nothing refers to dropped and the rest prefixed by the chart's id; matplotlib's style
    attributes written as presentation attributes (fill="#1d70b8"), which the page's
    Content-Security-Policy lets through where it refuses inline styles."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    # Its style sheet's rule is for every element (`*`): inline, it would reach the whole page.
    svg = re.sub(r"\s*<style[^>]*>.*?</style>", "", svg, flags=re.DOTALL)
    referenced = {a or b for a, b in _REFERENCE.findall(svg)}

    def rename(match):
        name = match.group(1)
        return f' id="{chart_id}-{name}"' if name in referenced else ""

    svg = _ID.sub(rename, svg)
    svg = _REFERENCE.sub(
        lambda m: (
            f"url(#{chart_id}-{m.group(1)})"
            if m.group(1)
            else f'xlink:href="#{chart_id}-{m.group(2)}"'
        ),
        svg,
    )
    svg = _STYLE.sub(_presentation_attributes, svg)
    opening_tag = re.match(r"<svg[^>]*>", svg)
    assert opening_tag is not None  # matplotlib's SVG starts with its svg element
    opening = opening_tag.group(0)
    view_box_attribute = re.search(r'viewBox="([^"]+)"', opening)
    assert view_box_attribute is not None  # which has a viewBox
    view_box = view_box_attribute.group(1)
    width = float(view_box.split()[2]) / 0.75  # points to CSS pixels
    new_opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'version="1.1" viewBox="{view_box}" id="{chart_id}" class="insights-chart" '
        f'role="img" aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'width="{width:.0f}" '
        'stroke-linejoin="round" stroke-linecap="butt" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return new_opening + svg[len(opening) :].strip() + "\n"


def _presentation_attributes(match) -> str:
    """style="fill: #fff; stroke-width: 0.8" as fill="#fff" stroke-width="0.8": every property
    matplotlib writes (fill, stroke and its kin, font-size, font-family, text-anchor) is also an
    SVG presentation attribute."""
    declarations = (d.split(":", 1) for d in match.group(1).split(";") if d.strip())
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in declarations)
