"""Charts of the daily diary's side effects: dryness, sun, and the skin itself."""

import numpy as np
from matplotlib.figure import Figure

from diary.charts import style
from diary.charts.data import (
    ChartData,
    ChartText,
    DayGrid,
    day_list,
    extreme,
    in_window,
    long_day,
    number,
    period,
    plural,
    short_day,
    trend,
)

NO_ENTRIES = "No entries in this period"
DRYNESS = (("lips", "Lips", "lip dryness"), ("skin", "Skin", "skin dryness"), ("eyes", "Eyes", "eye dryness"))
SEVERITY_WORDS = ("clear", "almost clear", "mild", "moderate", "severe")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _logged(data: ChartData, entries: list) -> str:
    days = (data.end - data.start).days + 1
    return f"{period(data.start, data.end)}, entries on {len(entries)} of {plural(days, 'day')}"


# --- Dryness ----------------------------------------------------------------------------------------------


def dryness_figure(data: ChartData) -> Figure:
    entries = in_window(data.entries, data.start, data.end)
    if not entries:
        return style.empty_figure(NO_ENTRIES)
    grid = DayGrid(data.start, data.end)
    figure, (ax,) = style.new_figure()
    for field, label, _ in DRYNESS:
        style.line(ax, grid, grid.series(entries, field), field, label)
    nosebleeds = grid.flags(entries, lambda entry: bool(entry.nosebleed))
    style.events(ax, grid, nosebleeds, 10.9, "nosebleed", "Nosebleed")
    style.scale_axis(ax, 10)
    style.day_axis(ax, grid.first, grid.last)
    style.legend(ax, 4)
    return figure


def dryness_text(data: ChartData) -> ChartText:
    title = "Dryness (0 none – 10 worst)"
    columns = ("Date", "Lips", "Skin", "Eyes", "Nosebleed")
    entries = in_window(data.entries, data.start, data.end)
    if not entries:
        return ChartText(title, f"{NO_ENTRIES} ({period(data.start, data.end)}).", columns, ())
    grid = DayGrid(data.start, data.end)
    parts = []
    for field, _, words in DRYNESS:
        values = grid.series(entries, field)
        part = f"{words} {trend(values, steady=1.0)}"
        top = extreme(grid, values)
        if top is not None:
            part += f" (highest {number(top[0])} on {short_day(top[1])})"
        parts.append(part)
    nosebleeds = [entry.day for entry in entries if entry.nosebleed]
    bleeds = f"Nosebleeds on {plural(len(nosebleeds), 'day')}: {day_list(nosebleeds)}." if nosebleeds else ""
    alt = f"Dryness, {_logged(data, entries)}: {'; '.join(parts)}. {bleeds or 'No nosebleeds.'}"
    rows = tuple(
        (long_day(e.day), number(e.lips), number(e.skin), number(e.eyes), _yes(e.nosebleed)) for e in entries
    )
    return ChartText(title, alt, columns, rows)


# --- Sun --------------------------------------------------------------------------------------------------


def _protected(entry) -> bool:
    return bool(entry.sunscreen or entry.covered)


def sun_figure(data: ChartData) -> Figure:
    entries = in_window(data.entries, data.start, data.end)
    if not entries:
        return style.empty_figure(NO_ENTRIES)
    grid = DayGrid(data.start, data.end)
    minutes = grid.series(entries, "sun_minutes")
    protected = grid.flags(entries, _protected)
    figure, (ax,) = style.new_figure(legend_rows=2)
    style.bars(ax, grid, np.where(protected, minutes, np.nan), "sun_protected", "Protected")
    style.bars(ax, grid, np.where(protected, np.nan, minutes), "sun_unprotected", "Unprotected")
    highest = float(np.nanmax(minutes)) if np.isfinite(minutes).any() else 0.0
    style.count_axis(ax, highest)
    top = ax.get_ylim()[1]
    mild = grid.flags(entries, lambda entry: entry.sunburn == "mild")
    severe = grid.flags(entries, lambda entry: entry.sunburn == "severe")
    style.events(ax, grid, mild, top * 0.95, "sunburn", "Mild sunburn", markerfacecolor="none", mew=2.5)
    style.events(ax, grid, severe, top * 0.95, "sunburn", "Severe sunburn")
    style.no_entry_rug(ax, grid, ~grid.flags(entries, lambda _: True))
    style.day_axis(ax, grid.first, grid.last)
    style.legend(ax, 3, order=("Protected", "Unprotected", "No entry", "Mild sunburn", "Severe sunburn"))
    return figure


def sun_text(data: ChartData) -> ChartText:
    title = "Time in direct sun (minutes per day; protected = sunscreen or covered)"
    columns = ("Date", "Minutes in sun", "Sunscreen", "Covered", "Sunburn")
    entries = in_window(data.entries, data.start, data.end)
    if not entries:
        return ChartText(title, f"{NO_ENTRIES} ({period(data.start, data.end)}).", columns, ())
    minutes = [e.sun_minutes for e in entries if e.sun_minutes is not None]
    sunny = [e for e in entries if e.sun_minutes]
    unprotected = [e for e in sunny if not _protected(e)]
    sentences = [f"Time in direct sun, {_logged(data, entries)}."]
    if minutes:
        most = max(entries, key=lambda e: e.sun_minutes or 0)
        sentences.append(
            f"On average {number(np.mean(minutes), 0)} minutes a day on the days logged;"
            f" the most was {number(most.sun_minutes)} minutes on {short_day(most.day)}."
        )
    if sunny:
        sentences.append(
            f"Sunscreen or covering on {len(sunny) - len(unprotected)} of the {plural(len(sunny), 'day')}"
            f" with sun; unprotected on {plural(len(unprotected), 'day')}"
            f" ({number(sum(e.sun_minutes for e in unprotected))} minutes in all)."
        )
    burns = {kind: [e.day for e in entries if e.sunburn == kind] for kind in ("severe", "mild")}
    if burns["severe"] or burns["mild"]:
        said = [f"{kind} on {day_list(days)}" for kind, days in burns.items() if days]
        sentences.append(f"Sunburn: {'; '.join(said)}.")
    else:
        sentences.append("No sunburn.")
    rows = tuple(
        (long_day(e.day), number(e.sun_minutes), _yes(e.sunscreen), _yes(e.covered), e.sunburn or "none")
        for e in entries
    )
    return ChartText(title, " ".join(sentences), columns, rows)


# --- Skin -------------------------------------------------------------------------------------------------


def skin_figure(data: ChartData) -> Figure:
    entries = in_window(data.entries, data.start, data.end)
    if not entries:
        return style.empty_figure(NO_ENTRIES)
    grid = DayGrid(data.start, data.end)
    spots = grid.series(entries, "new_spots")
    figure, (top, bottom) = style.new_figure(2)
    style.line(top, grid, grid.series(entries, "skin_severity"), "skin_severity", "Severity")
    style.panel_title(top, "Severity (0 clear – 4 severe)")
    top.set_ylim(-0.25, 4.4)
    top.set_yticks(range(5))
    style.bars(bottom, grid, spots, "new_spots", "New spots")
    style.panel_title(bottom, "New spots per day")
    style.count_axis(bottom, float(np.nanmax(spots)) if np.isfinite(spots).any() else 0.0)
    style.day_axis(bottom, grid.first, grid.last)
    return figure


def skin_text(data: ChartData) -> ChartText:
    title = "Skin: severity and new spots"
    columns = ("Date", "Severity (0–4)", "New spots")
    entries = in_window(data.entries, data.start, data.end)
    if not entries:
        return ChartText(title, f"{NO_ENTRIES} ({period(data.start, data.end)}).", columns, ())
    grid = DayGrid(data.start, data.end)
    severity = grid.series(entries, "skin_severity")
    spots = grid.series(entries, "new_spots")
    sentences = [
        f"Skin, {_logged(data, entries)}.",
        f"Severity (0 clear to 4 severe) {trend(severity, steady=0.5)}.",
        f"New spots per day {trend(spots, steady=1.0)}",
    ]
    if np.isfinite(spots).any():
        most = extreme(grid, spots)
        sentences[-1] += (
            f"; {number(np.nansum(spots))} in all, most {number(most[0])} on {short_day(most[1])}"
        )
    sentences[-1] += "."
    rows = tuple(
        (
            long_day(e.day),
            "—" if e.skin_severity is None else f"{e.skin_severity} {SEVERITY_WORDS[int(e.skin_severity)]}",
            number(e.new_spots),
        )
        for e in entries
    )
    return ChartText(title, " ".join(sentences), columns, rows)
