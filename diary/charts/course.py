"""Charts of the course: cumulative dose against its target band, and the lab results from appointments."""

from datetime import date

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from diary.charts import style
from diary.charts.data import ChartData, ChartText, DayGrid, long_day, number, short_day, x_of
from diary.clinical.labs import upper_limit
from diary.clinical.thresholds import (
    ALT_ULN_U_L,
    AST_ULN_U_L,
    CUMULATIVE_BAND_MG_PER_KG,
    LIVER_ENZYME_ULN_MULTIPLE,
    TRIGLYCERIDES_CRITICAL_MG_DL,
    TRIGLYCERIDES_WARNING_MG_DL,
)

NO_DOSES = "No doses logged yet"
NO_LABS = "No lab results recorded yet"
BAND_LOW, BAND_HIGH = CUMULATIVE_BAND_MG_PER_KG


def _span(data: ChartData, days: list[date]) -> DayGrid:
    """The window, stretched to include every point given: these charts show the course, not the window."""
    return DayGrid(min([data.start, *days]), max([data.end, *days]))


# --- Dose -------------------------------------------------------------------------------------------------


def _dose_points(data: ChartData) -> list[tuple[date, float]]:
    return sorted({day: float(value) for day, value in data.dose_points if value is not None}.items())


def carried_forward(grid: DayGrid, points: list[tuple[date, float]]) -> np.ndarray:
    """The running total on every day from the first dose to the last: a day without a dose keeps the total
    of the day before (NaN before the first dose and after the last)."""
    totals = np.full(grid.size, np.nan)
    for day, value in points:
        totals[grid.index(day)] = value
    first, last = grid.index(points[0][0]), grid.index(points[-1][0])
    for i in range(first + 1, last + 1):
        if np.isnan(totals[i]):
            totals[i] = totals[i - 1]
    return totals


def dose_figure(data: ChartData) -> Figure:
    points = _dose_points(data)
    if not points:
        return style.empty_figure(NO_DOSES)
    ends = [day for day, _ in points] + ([data.projected_end] if data.projected_end else [])
    grid = _span(data, ends)
    cumulative = carried_forward(grid, points)
    figure, (ax,) = style.new_figure()
    ax.axhspan(
        BAND_LOW,
        BAND_HIGH,
        color=style.BAND_FILL,
        linewidth=0,
        gid="band",
        label=f"{BAND_LOW:.0f}–{BAND_HIGH:.0f} band",
    )
    # A step: the total stays level over unlogged days and rises on each day with a dose (no gaps).
    style.line(ax, grid, cumulative, "dose", "Cumulative", drawstyle="steps-post")
    target = data.target_mg_per_kg
    if target:
        ax.axhline(target, color=style.COLOURS["target"], linewidth=2, dashes=(6, 3), gid="target")
        ax.annotate(
            f"target {number(target)}",
            xy=(0, target),
            xycoords=("axes fraction", "data"),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=style.SMALL,
            color=style.INK,
        )
    if target and data.projected_end:
        last_day, last_value = points[-1]
        ax.plot(
            [x_of(last_day), x_of(data.projected_end)],
            [last_value, target],
            color=style.COLOURS["dose"],
            linewidth=2,
            dashes=(2, 3),
            label="Projected",
            gid="projection",
        )
        ax.plot(
            [x_of(data.projected_end)],
            [target],
            marker="D",
            markersize=style.MARKER,
            color=style.COLOURS["dose"],
            linestyle="none",
            gid="projected_end",
        )
        ax.annotate(
            f"projected {short_day(data.projected_end)}",
            xy=(x_of(data.projected_end), target),
            xytext=(-6, -14),
            textcoords="offset points",
            ha="right",
            va="top",
            fontsize=style.SMALL,
            color=style.INK,
        )
    highest = max(BAND_HIGH, target or 0, max(value for _, value in points))
    ax.set_ylim(0, highest * 1.1)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
    # Room after the last day for the projected end's marker.
    style.day_axis(ax, grid.first, grid.last, pad_right=0.5 + grid.size * 0.03)
    style.legend(ax, 3)
    return figure


def dose_text(data: ChartData) -> ChartText:
    title = "Cumulative dose (mg/kg)"
    columns = ("Date", "Cumulative mg/kg")
    points = _dose_points(data)
    band = f"the recommended band is {BAND_LOW:.0f}–{BAND_HIGH:.0f} mg/kg"
    if not points:
        return ChartText(title, f"{NO_DOSES}; {band}.", columns, ())
    last_day, last_value = points[-1]
    sentence = f"Cumulative dose reached {number(last_value)} mg/kg on {long_day(last_day)}"
    target = data.target_mg_per_kg
    if target:
        sentence += f", {last_value / target:.0%} of the {number(target)} mg/kg target"
    sentences = [f"{sentence}; {band}."]
    if data.projected_end:
        sentences.append(f"At the current dose the target is reached on {long_day(data.projected_end)}.")
    rows = tuple((long_day(day), number(value)) for day, value in points)
    return ChartText(title, " ".join(sentences), columns, rows)


# --- Labs -------------------------------------------------------------------------------------------------

LAB_MEASURES = (("triglycerides", "Triglycerides", "mg/dL"), ("alt", "ALT", "U/L"), ("ast", "AST", "U/L"))


def _lab_series(labs: list, field: str) -> tuple[list[float], list[float]]:
    """x and values of one lab measure across the appointments that measured it (joined: labs are monthly)."""
    pairs = [(x_of(lab.day), float(getattr(lab, field))) for lab in labs if getattr(lab, field) is not None]
    return [x for x, _ in pairs], [v for _, v in pairs]


def _labs(data: ChartData) -> list:
    measured = (lab for lab in data.labs if any(getattr(lab, f) is not None for f, _, _ in LAB_MEASURES))
    return sorted(measured, key=lambda lab: lab.day)


def _plot_lab(ax: Axes, labs: list, field: str, label: str) -> float:
    xs, values = _lab_series(labs, field)
    if xs:
        ax.plot(
            xs,
            values,
            color=style.COLOURS[field],
            linewidth=style.LINE - 0.5,
            marker="o",
            markersize=style.MARKER,
            label=label,
            gid=field,
        )
    return max(values, default=0.0)


def labs_figure(data: ChartData) -> Figure:
    labs = _labs(data)
    if not labs:
        return style.empty_figure(NO_LABS)
    grid = _span(data, [lab.day for lab in labs])
    figure, (lipids, liver) = style.new_figure(2)

    highest = _plot_lab(lipids, labs, "triglycerides", "Triglycerides")
    style.panel_title(lipids, "Triglycerides (mg/dL)")
    top = max(highest * 1.15, TRIGLYCERIDES_WARNING_MG_DL * 1.15)
    if highest >= TRIGLYCERIDES_WARNING_MG_DL:
        top = max(top, TRIGLYCERIDES_CRITICAL_MG_DL * 1.12)
    lipids.set_ylim(0, top)
    style.threshold(lipids, TRIGLYCERIDES_WARNING_MG_DL, f"warning {TRIGLYCERIDES_WARNING_MG_DL:.0f}")
    if top > TRIGLYCERIDES_CRITICAL_MG_DL:
        style.threshold(lipids, TRIGLYCERIDES_CRITICAL_MG_DL, f"critical {TRIGLYCERIDES_CRITICAL_MG_DL:.0f}")

    highest = max(_plot_lab(liver, labs, "alt", "ALT"), _plot_lab(liver, labs, "ast", "AST"))
    style.panel_title(liver, "Liver enzymes (U/L)")
    action = sorted({ALT_ULN_U_L * LIVER_ENZYME_ULN_MULTIPLE, AST_ULN_U_L * LIVER_ENZYME_ULN_MULTIPLE})
    liver.set_ylim(0, max(highest * 1.15, action[-1] * 1.2))
    for uln in sorted({ALT_ULN_U_L, AST_ULN_U_L}):
        style.threshold(liver, uln, f"upper normal {uln:.0f}", dashes=(2, 3))
    for level in action:
        style.threshold(liver, level, f"{LIVER_ENZYME_ULN_MULTIPLE:.0f} × upper normal {level:.0f}")
    style.legend(liver, 2, right=True)
    style.day_axis(liver, grid.first, grid.last)
    return figure


def labs_text(data: ChartData) -> ChartText:
    title = "Blood tests: triglycerides, ALT and AST"
    columns = ("Date", "Triglycerides (mg/dL)", "ALT (U/L)", "AST (U/L)")
    labs = _labs(data)
    if not labs:
        return ChartText(title, f"{NO_LABS}.", columns, ())
    sentences = [f"Blood tests at {len(labs)} appointment{'s' if len(labs) != 1 else ''}."]
    for field, label, unit in LAB_MEASURES:
        measured = [(lab.day, float(getattr(lab, field))) for lab in labs if getattr(lab, field) is not None]
        if not measured:
            sentences.append(f"{label} not measured.")
            continue
        said = ", ".join(f"{number(value)} on {short_day(day)}" for day, value in measured[-6:])
        earlier = f" (and {len(measured) - 6} earlier)" if len(measured) > 6 else ""
        sentences.append(f"{label} ({unit}): {said}{earlier}.")
    sentences.append(
        f"Action levels: triglycerides {TRIGLYCERIDES_WARNING_MG_DL:.0f} (warning) and"
        f" {TRIGLYCERIDES_CRITICAL_MG_DL:.0f} mg/dL (critical); ALT or AST above"
        f" {LIVER_ENZYME_ULN_MULTIPLE:.0f} × the upper limit of normal."
    )
    above = _above_action(labs)
    if above:
        sentences.append(f"Above an action level: {'; '.join(above)}.")
    rows = tuple(
        (long_day(lab.day), number(lab.triglycerides), number(lab.alt), number(lab.ast)) for lab in labs
    )
    return ChartText(title, " ".join(sentences), columns, rows)


def _above_action(labs: list) -> list[str]:
    """Each result above its action level: triglycerides from 500 mg/dL (AAD 2024); ALT and AST above 3 × the
    upper limit of normal of the lab that measured them (the default where it gave none)."""
    said = []
    for lab in labs:
        if lab.triglycerides is not None and lab.triglycerides >= TRIGLYCERIDES_WARNING_MG_DL:
            said.append(f"triglycerides {number(lab.triglycerides)} on {short_day(lab.day)}")
        for field, label in (("alt", "ALT"), ("ast", "AST")):
            value = getattr(lab, field)
            uln, _labs_own = upper_limit(field, getattr(lab, f"{field}_uln", None))
            if value is not None and value > LIVER_ENZYME_ULN_MULTIPLE * uln:
                said.append(f"{label} {number(value)} on {short_day(lab.day)}")
    return said
