"""The six trend charts: ChartData in → matplotlib Figure → PNG bytes, plus the same chart in words.

No Flask, no database, no pyplot: each call builds its own `matplotlib.figure.Figure` and draws it with the
Agg canvas, so concurrent requests share no state and nothing leaks.

    CHART_NAMES                      the six names, in page order
    build_figure(name, data)         the Figure (tests inspect its artists)
    render(name, data) -> bytes      a PNG of image_size(name) pixels
    describe(name, data)             ChartText: title, alt text, table columns and rows
    COLOURS                          measure → colour, for pages to reuse

An unknown name raises KeyError.
"""

import os
from collections.abc import Callable

from config import INSTANCE_DIR


def _private_matplotlib_dir() -> None:
    """Give matplotlib a stable, writable config and cache directory before it is first imported.

    By default it uses ~/.config and ~/.cache; a service account without a writable home gets a new temporary
    directory in every process, so every worker rebuilds the font cache (seconds) and logs a warning. A
    matplotlibrc in the home directory would also restyle the charts. MPLCONFIGDIR, when set, wins.
    """
    if os.environ.get("MPLCONFIGDIR"):
        return
    path = INSTANCE_DIR / "matplotlib"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return
    if os.access(path, os.W_OK):
        os.environ["MPLCONFIGDIR"] = str(path)


_private_matplotlib_dir()

from matplotlib.figure import Figure  # noqa: E402 - after choosing its directory

from diary.charts import course, mood, style, symptoms  # noqa: E402
from diary.charts.data import ChartData, ChartText  # noqa: E402
from diary.charts.style import COLOURS  # noqa: E402

__all__ = [
    "CHART_NAMES",
    "COLOURS",
    "ChartData",
    "ChartText",
    "build_figure",
    "describe",
    "image_size",
    "render",
]

_CHARTS: dict[str, tuple[Callable[[ChartData], Figure], Callable[[ChartData], ChartText], int]] = {
    "dryness": (symptoms.dryness_figure, symptoms.dryness_text, 1),
    "sun": (symptoms.sun_figure, symptoms.sun_text, 1),
    "mood": (mood.mood_figure, mood.mood_text, 2),
    "skin": (symptoms.skin_figure, symptoms.skin_text, 2),
    "dose": (course.dose_figure, course.dose_text, 1),
    "labs": (course.labs_figure, course.labs_text, 2),
}
CHART_NAMES = ("dryness", "sun", "mood", "skin", "dose", "labs")


def _chart(name: str) -> tuple[Callable[[ChartData], Figure], Callable[[ChartData], ChartText], int]:
    try:
        return _CHARTS[name]
    except KeyError:
        raise KeyError(f"no chart named {name!r}; the charts are {', '.join(CHART_NAMES)}") from None


def build_figure(name: str, data: ChartData) -> Figure:
    """The chart `name` drawn from `data` as a Figure (not yet rendered). KeyError for an unknown name."""
    draw, _, panels = _chart(name)
    figure = draw(data)
    if not figure.axes:
        # An empty chart keeps its usual size, so the page does not jump.
        figure.set_size_inches(style.WIDTH_IN, style.HEIGHT_IN[panels])
    return figure


def render(name: str, data: ChartData) -> bytes:
    """The chart `name` as PNG bytes, image_size(name) pixels. KeyError for an unknown name."""
    return style.png(build_figure(name, data))


def describe(name: str, data: ChartData) -> ChartText:
    """The chart `name` in words: title, alt text, and the numbers behind it. KeyError for an unknown name."""
    return _chart(name)[1](data)


def image_size(name: str) -> tuple[int, int]:
    """(width, height) in pixels of every PNG of chart `name`, for the page's <img width height>."""
    panels = _chart(name)[2]
    return round(style.WIDTH_IN * style.DPI), round(style.HEIGHT_IN[panels] * style.DPI)
