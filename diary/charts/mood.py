"""The mood chart: daily mood with its 7-day mean, and the PHQ-9 check-ins against their bands."""

import numpy as np
from matplotlib.figure import Figure

from diary.charts import style
from diary.charts.data import (
    ChartData,
    ChartText,
    DayGrid,
    extreme,
    in_window,
    long_day,
    number,
    period,
    plural,
    rolling_mean,
    short_day,
    trend,
    x_of,
)
from diary.clinical import phq9
from diary.clinical.thresholds import MOOD_MIN_DAYS, MOOD_WINDOW_DAYS, PHQ9_BANDS

NOTHING = "No entries or check-ins in this period"


def _checkins(data: ChartData) -> list[tuple]:
    return [(c.day, phq9.score(c.answers)) for c in in_window(data.checkins, data.start, data.end)]


def mood_figure(data: ChartData) -> Figure:
    entries = in_window(data.entries, data.start, data.end)
    checkins = _checkins(data)
    if not entries and not checkins:
        return style.empty_figure(NOTHING)
    grid = DayGrid(data.start, data.end)
    mood = grid.series(entries, "mood")
    figure, (top, bottom) = style.new_figure(2, ratios=(1.1, 1.0))
    style.line(top, grid, mood, "mood", "Daily mood", linewidth=2.0)
    # The same 7-day mean the mood-drop flag reads: drawn where ≥ MOOD_MIN_DAYS of its days were logged.
    mean = rolling_mean(mood, MOOD_WINDOW_DAYS, MOOD_MIN_DAYS)
    style.line(top, grid, mean, "mood_mean", f"{MOOD_WINDOW_DAYS}-day mean", linewidth=style.LINE + 1)
    style.scale_axis(top, 10)
    style.legend(top, 2)

    for (low, high, name), fill in zip(PHQ9_BANDS, style.PHQ9_BAND_FILLS, strict=True):
        bottom.axhspan(low - 0.5, high + 0.5, color=fill, linewidth=0, gid="phq9_band")
        bottom.annotate(
            name,
            xy=(1, (low + high) / 2),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=style.SMALL,
            color=style.INK,  # AA contrast on the darkest band too
        )
    bottom.set_ylim(-0.5, 27.5)
    bottom.set_yticks([0, 5, 10, 15, 20, 27])
    bottom.grid(False)
    style.panel_title(bottom, "PHQ-9 check-ins (0–27)")
    if checkins:
        bottom.plot(
            [x_of(day) for day, _ in checkins],
            [score for _, score in checkins],
            color=style.COLOURS["phq9"],
            linewidth=style.LINE - 1,
            marker="o",
            markersize=style.MARKER * 1.2,
            label="PHQ-9",
            gid="phq9",
        )
    else:
        bottom.text(
            0.5,
            0.5,
            "No check-in in this period",
            transform=bottom.transAxes,
            ha="center",
            va="center",
            fontsize=style.SMALL,
            color=style.MUTED,
        )
    style.day_axis(bottom, grid.first, grid.last)
    return figure


def mood_text(data: ChartData) -> ChartText:
    title = "Mood (0 very low – 10 very good) and PHQ-9"
    columns = ("Date", "Mood", f"{MOOD_WINDOW_DAYS}-day mean", "PHQ-9")
    entries = in_window(data.entries, data.start, data.end)
    checkins = _checkins(data)
    if not entries and not checkins:
        return ChartText(title, f"{NOTHING} ({period(data.start, data.end)}).", columns, ())
    grid = DayGrid(data.start, data.end)
    mood = grid.series(entries, "mood")
    mean = rolling_mean(mood, MOOD_WINDOW_DAYS, MOOD_MIN_DAYS)
    days = (data.end - data.start).days + 1
    sentences = [f"Mood, {period(data.start, data.end)}, entries on {len(entries)} of {plural(days, 'day')}."]
    if np.isfinite(mood).any():
        low = extreme(grid, mood, highest=False)
        sentences.append(
            f"Daily mood {trend(mood, steady=1.0)}; lowest {number(low[0])} on {short_day(low[1])}."
        )
    if np.isfinite(mean).any():
        last = int(np.flatnonzero(np.isfinite(mean))[-1])
        sentences.append(
            f"The {MOOD_WINDOW_DAYS}-day mean was {number(mean[last])} on {short_day(grid.day(last))}."
        )
    if checkins:
        said = ", ".join(f"{score} ({phq9.band(score)}) on {short_day(day)}" for day, score in checkins)
        sentences.append(f"PHQ-9: {said}.")
    else:
        sentences.append("No PHQ-9 check-in in this period.")

    scores = dict(checkins)
    rows = []
    for day in sorted({e.day for e in entries} | set(scores)):
        i = grid.index(day)
        score = scores.get(day)
        rows.append(
            (
                long_day(day),
                number(mood[i]),
                number(mean[i]),
                "—" if score is None else f"{score} {phq9.band(score)}",
            )
        )
    return ChartText(title, " ".join(sentences), columns, tuple(rows))
