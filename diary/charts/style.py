"""How every chart looks: one palette, one size, large type, fixed margins, and a fast PNG encoder.

Sizes are chosen for the two screens that matter: an 800 px wide image shown at a phone's ~360 CSS px keeps
text near 11 px (type is 18 pt at 100 dpi = 25 px, about 3 % of the width), and shown at up to 800 px in a
clinic's two-column layout it stays calm rather than huge. Margins are fixed (no tight/constrained layout):
laying out by measuring costs a second draw, and these figures always have the same furniture.
"""

import io
from datetime import date, timedelta

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.textpath import text_to_path
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator
from PIL import Image

from diary.charts.data import DayGrid, isolated, short_day, x_of

# Okabe & Ito (2008), "Color universal design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
# The charts have a transparent background, so the page's own shows through in the light and the dark theme:
# every colour that carries meaning is a mid-tone with contrast ≥ 3:1 on both (WCAG 1.4.11, graphical
# objects). Okabe–Ito's hues, the three light ones darkened in linear light to the same luminance (≈ 0.22).
MID_TONE = {
    **OKABE_ITO,
    "orange": "#AD7700",
    "sky_blue": "#4088B2",
    "reddish_purple": "#B46A93",
}
PAGE_BACKGROUNDS = {
    "light": "#fbfbf9",
    "light_card": "#ffffff",
    "dark": "#121617",
    "dark_card": "#1b2123",
}  # static/css/app.css
_O = MID_TONE
# One measure, one colour, on every chart and page (pages import this for keys and summary tables).
# Colours repeat only across charts that never show the two measures together.
COLOURS = {
    "lips": _O["vermillion"],
    "skin": _O["orange"],
    "eyes": _O["blue"],
    "nosebleed": _O["reddish_purple"],
    "sun_protected": _O["bluish_green"],
    "sun_unprotected": _O["orange"],
    "sunburn": _O["vermillion"],
    "mood": _O["sky_blue"],
    "mood_mean": _O["blue"],
    "phq9": _O["reddish_purple"],
    "skin_severity": _O["reddish_purple"],
    "new_spots": _O["bluish_green"],
    "dose": _O["blue"],
    "target": _O["bluish_green"],
    "triglycerides": _O["reddish_purple"],
    "alt": _O["blue"],
    "ast": _O["orange"],
}
INK = "#787f87"  # text and axes: a mid grey, ≥ 3:1 on both themes (large text: 18 pt)
MUTED = "#7a828a"  # threshold lines and their labels
GRID = (0.47, 0.5, 0.53, 0.3)  # faint on either theme: a translucent grey
NO_ENTRY = "#80878f"
BAND_FILL = (0.0, 0.62, 0.45, 0.18)  # the 120–150 mg/kg band: translucent bluish green
# PHQ-9 bands, minimal … severe: translucent vermillion, stronger as the score is worse.
PHQ9_BAND_FILLS = tuple((0.835, 0.369, 0.0, alpha) for alpha in (0.0, 0.07, 0.14, 0.21, 0.28))
TRANSPARENT = (1.0, 1.0, 1.0, 0.0)

DPI = 100
WIDTH_IN = 8.0
HEIGHT_IN = {1: 4.8, 2: 6.4}  # one panel or two
FONT = 18  # pt, axis and legend text
SMALL = 15  # pt, labels written inside the plot
LINE = 3.0  # pt
MARKER = 9.0  # pt
# Fixed margins in pixels: room for 4-digit tick labels on the left, a date label's half at the right, and a
# legend row (40 px each) or panel title above.
_LEFT, _RIGHT, _TOP, _BOTTOM, _GAP, _LEGEND_ROW = 88, 36, 24, 48, 72, 40


def new_figure(
    panels: int = 1, ratios: tuple[float, ...] | None = None, legend_rows: int = 1
) -> tuple[Figure, list[Axes]]:
    """A figure of the house size with `panels` stacked axes sharing the x axis (dates under the last)."""
    height = HEIGHT_IN[panels]
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor=TRANSPARENT)
    width_px, height_px = WIDTH_IN * DPI, height * DPI
    ratios = ratios or (1.0,) * panels
    top_margin = _TOP + _LEGEND_ROW * legend_rows
    usable = height_px - top_margin - _BOTTOM - _GAP * (panels - 1)
    axes: list[Axes] = []
    top = height_px - top_margin
    for ratio in ratios:
        h = usable * ratio / sum(ratios)
        rect = (
            _LEFT / width_px,
            (top - h) / height_px,
            (width_px - _LEFT - _RIGHT) / width_px,
            h / height_px,
        )
        ax = figure.add_axes(rect, sharex=axes[0] if axes else None)
        _style(ax)
        axes.append(ax)
        top -= h + _GAP
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)
    return figure, axes


def _style(ax: Axes) -> None:
    ax.set_facecolor(TRANSPARENT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(INK)
    ax.tick_params(labelsize=FONT, colors=INK, length=5, width=1)
    ax.grid(axis="y", color=GRID, linewidth=1)
    ax.set_axisbelow(True)


def axes_width_pt(ax: Axes) -> float:
    return ax.get_position().width * WIDTH_IN * 72


def day_axis(ax: Axes, first: date, last: date, pad_right: float = 0.5) -> None:
    """Days along x, labelled "3 Mar" at a spacing that leaves room for about six labels."""
    span = (last - first).days + 1
    ax.set_xlim(x_of(first) - 0.5, x_of(last) + pad_right)
    ticks = _day_ticks(first, last, span)
    ax.xaxis.set_major_locator(FixedLocator([x_of(day) for day in ticks]))
    ax.set_xticklabels([short_day(day) for day in ticks])
    ax.xaxis.set_minor_locator(NullLocator())


def _day_ticks(first: date, last: date, span: int) -> list[date]:
    for step in (1, 2, 7, 14):
        if span / step <= 6:
            return [first + timedelta(days=n) for n in range(0, span, step)]
    months = next(m for m in (1, 2, 3, 6, 12) if span / (30.4 * m) <= 6)
    ticks, day = [], date(first.year, first.month, 1)
    while day <= last:
        if day >= first and (day.month - 1) % months == 0:
            ticks.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return ticks or [first]


def scale_axis(ax: Axes, top: int) -> None:
    """A 0…top rating scale with a little headroom for event markers above it."""
    ax.set_ylim(-0.4, top * 1.12)
    ax.yaxis.set_major_locator(FixedLocator(list(range(0, top + 1, 2 if top > 5 else 1))))


def count_axis(ax: Axes, highest: float) -> None:
    ax.set_ylim(0, max(highest, 1) * 1.18)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))


def legend(ax: Axes, columns: int, right: bool = False, order: tuple[str, ...] | None = None) -> None:
    """Keys in rows of `columns` above the plot (not a box over the data); at the right, beside a panel title.

    Drawn as plain lines and texts: matplotlib's Legend lays out every label twice through its packing boxes
    and cost as much to draw as a whole axis.
    """
    shown = [
        a for a in [*ax.collections, *ax.patches, *ax.lines] if a.get_label() and a.get_label()[0] != "_"
    ]
    if order is not None:
        shown = sorted(
            shown, key=lambda a: order.index(a.get_label()) if a.get_label() in order else len(order)
        )
    if not shown:
        return
    figure = ax.get_figure()
    width_px, height_px = figure.get_size_inches() * figure.dpi
    box = ax.get_position()
    rows = [shown[i : i + columns] for i in range(0, len(shown), columns)]
    for r, row in enumerate(rows):
        widths = [_KEY_HANDLE + _KEY_PAD + _text_px(a.get_label()) for a in row]
        x = box.x0 * width_px if not right else box.x1 * width_px - sum(widths) - _KEY_GAP * (len(row) - 1)
        y = (box.y1 * height_px + 8 + (len(rows) - r - 0.5) * (_LEGEND_ROW - 4)) / height_px
        for artist, width in zip(row, widths, strict=True):
            _key(figure, artist, x / width_px, (x + _KEY_HANDLE) / width_px, y)
            figure.text(
                (x + _KEY_HANDLE + _KEY_PAD) / width_px,
                y,
                artist.get_label(),
                fontsize=FONT,
                color=INK,
                va="center_baseline",
            )
            x += width + _KEY_GAP


_KEY_HANDLE, _KEY_PAD, _KEY_GAP = 30, 10, 30  # px: the sample's length, before its label, between keys


def _text_px(text: str) -> float:
    """The width of a key's label in pixels, from the font's metrics (no renderer needed)."""
    width, _, _ = text_to_path.get_text_width_height_descent(text, FontProperties(size=FONT), ismath=False)
    return width * DPI / 72


def _key(figure: Figure, artist, left: float, right: float, y: float) -> None:
    """The sample beside a key's label: the artist's own line and marker, or a square for bars and bands."""
    middle = (left + right) / 2
    common = {"transform": figure.transFigure, "clip_on": False}
    if isinstance(artist, Line2D):
        if artist.get_linestyle() in ("None", "none", " ", ""):
            xs, ys, every = [middle], [y], None
        else:
            xs, ys, every = [left, middle, right], [y, y, y], [1]
        sample = Line2D(
            xs,
            ys,
            color=artist.get_color(),
            linewidth=artist.get_linewidth(),
            linestyle=artist.get_linestyle(),
            marker=artist.get_marker(),
            markersize=artist.get_markersize(),
            markerfacecolor=artist.get_markerfacecolor(),
            markeredgewidth=artist.get_markeredgewidth(),
            markevery=every,
            **common,
        )
    else:
        colour = artist.get_edgecolor()[0] if isinstance(artist, LineCollection) else artist.get_facecolor()
        sample = Line2D(
            [middle],
            [y],
            linestyle="none",
            marker="s",
            markersize=MARKER * 1.5,
            color=colour,
            markeredgecolor=MUTED if isinstance(artist, Rectangle) else colour,
            **common,
        )
    figure.add_artist(sample)


def panel_title(ax: Axes, text: str) -> None:
    ax.set_title(text, loc="left", fontsize=FONT, color=INK, pad=8)


def line(ax: Axes, grid: DayGrid, values: np.ndarray, measure: str, label: str, **style) -> None:
    """A daily series: NaN breaks the line, so a missing day is a gap; lone days get a marker."""
    alone = isolated(values)
    ax.plot(
        grid.x,
        values,
        color=COLOURS[measure],
        linewidth=style.pop("linewidth", LINE),
        label=label,
        gid=measure,
        marker="o" if alone.any() else "None",
        markersize=style.pop("markersize", MARKER * 0.8),
        markevery=alone if alone.any() else None,
        solid_joinstyle="round",
        solid_capstyle="round",
        **style,
    )


def bars(ax: Axes, grid: DayGrid, values: np.ndarray, measure: str, label: str) -> None:
    """One bar per day as a single collection (180 Rectangle artists would cost more than the rest)."""
    present = np.isfinite(values)
    width = min(axes_width_pt(ax) / grid.size * 0.75, 36.0)
    ax.vlines(
        grid.x[present],
        0,
        values[present],
        colors=COLOURS[measure],
        linewidth=width,
        capstyle="butt",
        label=label,
        gid=measure,
    )


def no_entry_rug(ax: Axes, grid: DayGrid, missing: np.ndarray) -> None:
    """Small grey ticks under the days with no entry, so "nothing" and "not logged" look different."""
    if missing.any():
        ax.plot(
            grid.x[missing],
            np.zeros(int(missing.sum())),
            linestyle="none",
            marker="|",
            markersize=MARKER,
            markeredgewidth=2,
            color=NO_ENTRY,
            label="No entry",
            gid="no_entry",
        )


def events(ax: Axes, grid: DayGrid, marked: np.ndarray, y: float, measure: str, label: str, **style) -> None:
    """Markers in the headroom above the plot on the days an event (nosebleed, sunburn) happened."""
    if marked.any():
        ax.plot(
            grid.x[marked],
            np.full(int(marked.sum()), y),
            linestyle="none",
            marker=style.pop("marker", "v"),
            markersize=style.pop("markersize", MARKER * 1.2),
            color=COLOURS[measure],
            label=label,
            gid=measure,
            clip_on=False,
            **style,
        )


def threshold(ax: Axes, y: float, text: str, dashes: tuple[float, float] = (6, 3)) -> None:
    """A labelled horizontal line at a clinical threshold."""
    ax.axhline(y, color=MUTED, linewidth=1.5, dashes=dashes, gid="threshold")
    ax.annotate(
        text,
        xy=(1, y),
        xycoords=("axes fraction", "data"),
        xytext=(-4, 4),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=SMALL,
        color=MUTED,
    )


def empty_figure(message: str) -> Figure:
    """A chart-sized image saying there is nothing to draw (never an exception)."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN[1]), dpi=DPI, facecolor=TRANSPARENT)
    figure.text(0.5, 0.5, message, ha="center", va="center", fontsize=FONT + 2, color=MUTED, gid="empty")
    return figure


def png(figure: Figure) -> bytes:
    """Draw with Agg and encode a palette PNG with an alpha channel in its palette: about half the bytes of
    Agg's RGBA PNG, and faster.

    The charts are a handful of flat colours plus their anti-aliased edges on a transparent background; 256
    adaptive colours (alpha included) keep them visually identical.
    """
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    image = image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()
