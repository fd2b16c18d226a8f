"""The six charts without HTTP or a database: image bytes, the series drawn, gaps, words and colours."""

import io
import math
import os
import struct
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_hex
from PIL import Image

from diary.charts import (
    CHART_NAMES,
    COLOURS,
    ChartData,
    build_figure,
    describe,
    image_size,
    render,
)
from diary.charts.style import INK, MID_TONE, MUTED, NO_ENTRY, OKABE_ITO, PAGE_BACKGROUNDS
from diary.clinical.records import CheckinRecord, DayRecord, LabRecord
from diary.clinical.thresholds import (
    CUMULATIVE_BAND_MG_PER_KG,
    TRIGLYCERIDES_CRITICAL_MG_DL,
    TRIGLYCERIDES_WARNING_MG_DL,
)

START = date(2025, 3, 1)
END = date(2025, 3, 30)


def day(n: int) -> date:
    """Day n of the window (1 = START)."""
    return START + timedelta(days=n - 1)


def entry(n: int, **fields) -> DayRecord:
    values = {"lips": 3, "skin": 2, "eyes": 1, "mood": 6, "sun_minutes": 20, "skin_severity": 2}
    return DayRecord(day=day(n), **{**values, **fields})


def full_data() -> ChartData:
    """A month with every kind of data, and a gap on days 10–12."""
    entries = [
        entry(n, lips=3 + n // 6, nosebleed=n == 5, sunburn="severe" if n == 8 else "none", new_spots=n % 4)
        for n in range(1, 31)
        if n not in (10, 11, 12)
    ]
    return ChartData(
        start=START,
        end=END,
        entries=entries,
        checkins=[CheckinRecord(day(2), (1,) * 9), CheckinRecord(day(29), (2,) * 9)],
        labs=[
            LabRecord(day(1), triglycerides=150, alt=25, ast=22),
            LabRecord(day(29), triglycerides=610, alt=130, ast=40),
        ],
        dose_points=[(e.day, 0.6 * i) for i, e in enumerate(entries, start=1)],
        projected_end=date(2025, 8, 1),
        target_mg_per_kg=135.0,
    )


def artists(figure, gid: str) -> list:
    return [a for ax in figure.axes for a in [*ax.lines, *ax.collections, *ax.patches] if a.get_gid() == gid]


def the_line(figure, gid: str):
    (line,) = [a for a in artists(figure, gid) if hasattr(a, "get_ydata")]
    return line


def x_index(line, n: int) -> int:
    """Where day n of the window sits in a line's x data."""
    xs = list(line.get_xdata())
    return xs.index(float(day(n).toordinal() - date(1970, 1, 1).toordinal()))


# --- Image bytes --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_chart_is_a_png_of_its_advertised_size(name):
    png = render(name, full_data())
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == image_size(name)
    image = Image.open(io.BytesIO(png))
    image.verify()
    assert 5_000 < len(png) < 120_000


def test_the_png_is_a_palette_image_on_a_transparent_background():
    """Transparent: the page's own background shows through, light or dark (the report prints it on white
    paper without a warning: warnings are errors here)."""
    image = Image.open(io.BytesIO(render("dryness", full_data())))
    assert image.mode == "P"
    assert image.convert("RGBA").getpixel((2, 2))[3] == 0


def test_charts_are_sized_for_a_phone_and_a_clinic_monitor():
    for name in CHART_NAMES:
        width, height = image_size(name)
        assert width == 800
        assert 400 <= height <= 700
    # Type stays legible when the 800 px image is shown 360 px wide: ≥ 11 px there.
    figure = build_figure("dryness", full_data())
    tick = figure.axes[0].get_xticklabels()[0]
    pixels = tick.get_fontsize() * figure.dpi / 72
    assert pixels * 360 / 800 >= 11


# --- The series drawn ---------------------------------------------------------------------------------------

EXPECTED = {
    "dryness": {"lips", "skin", "eyes", "nosebleed"},
    "sun": {"sun_protected", "sun_unprotected", "sunburn", "no_entry"},
    "mood": {"mood", "mood_mean", "phq9", "phq9_band"},
    "skin": {"skin_severity", "new_spots"},
    "dose": {"dose", "band", "target", "projection", "projected_end"},
    "labs": {"triglycerides", "alt", "ast", "threshold"},
}


@pytest.mark.parametrize("name", CHART_NAMES)
def test_each_chart_draws_its_series(name):
    figure = build_figure(name, full_data())
    drawn = {a.get_gid() for ax in figure.axes for a in [*ax.lines, *ax.collections, *ax.patches]}
    assert EXPECTED[name] <= drawn


def test_dryness_lines_hold_the_logged_values_by_day():
    figure = build_figure("dryness", full_data())
    lips = the_line(figure, "lips")
    assert lips.get_ydata()[x_index(lips, 7)] == 3 + 7 // 6
    assert len(lips.get_xdata()) == 30  # one slot per day of the window


def test_days_without_an_entry_are_gaps_not_lines():
    figure = build_figure("dryness", full_data())
    for measure in ("lips", "skin", "eyes"):
        line = the_line(figure, measure)
        ys = line.get_ydata()
        assert all(math.isnan(ys[x_index(line, n)]) for n in (10, 11, 12))
        assert not math.isnan(ys[x_index(line, 9)]) and not math.isnan(ys[x_index(line, 13)])


def test_a_field_left_empty_is_a_gap_too():
    data = ChartData(START, END, [entry(1), entry(2, mood=None), entry(3)])
    line = the_line(build_figure("mood", data), "mood")
    assert math.isnan(line.get_ydata()[x_index(line, 2)])


def test_a_lone_day_between_gaps_gets_a_marker():
    data = ChartData(START, END, [entry(1), entry(2), entry(5), entry(8), entry(9)])
    line = the_line(build_figure("dryness", data), "lips")
    marked = np.asarray(line.get_markevery())
    assert marked[x_index(line, 5)]
    assert not marked[x_index(line, 1)] and not marked[x_index(line, 8)]


def test_sun_bars_split_protected_from_unprotected_days():
    data = ChartData(
        START,
        END,
        [
            entry(1, sun_minutes=30, sunscreen=True),
            entry(2, sun_minutes=45, covered=True),
            entry(3, sun_minutes=50),
        ],
    )
    figure = build_figure("sun", data)
    (protected,) = artists(figure, "sun_protected")
    (unprotected,) = artists(figure, "sun_unprotected")
    heights = lambda bars: sorted(float(seg[1][1]) for seg in bars.get_segments())  # noqa: E731
    assert heights(protected) == [30, 45]
    assert heights(unprotected) == [50]
    (rug,) = artists(figure, "no_entry")
    assert len(rug.get_xdata()) == 27  # days 4–30 have no entry


def test_mood_mean_is_the_trailing_seven_days_and_needs_four_logged_days():
    moods = {1: 8, 2: 6, 3: 7, 4: 5, 5: 4}
    data = ChartData(START, END, [entry(n, mood=m) for n, m in moods.items()])
    mean = the_line(build_figure("mood", data), "mood_mean")
    ys = mean.get_ydata()
    assert math.isnan(ys[x_index(mean, 3)])  # only three days logged so far
    assert ys[x_index(mean, 4)] == pytest.approx(6.5)
    assert ys[x_index(mean, 5)] == pytest.approx(6.0)


def test_phq9_scores_are_drawn_over_their_bands():
    figure = build_figure("mood", full_data())
    scores = the_line(figure, "phq9")
    assert list(scores.get_ydata()) == [9, 18]
    assert len(artists(figure, "phq9_band")) == 5


def test_dose_chart_shows_the_target_band_and_the_projection_to_the_target():
    data = full_data()
    figure = build_figure("dose", data)
    (band,) = artists(figure, "band")
    assert (band.get_y(), band.get_y() + band.get_height()) == CUMULATIVE_BAND_MG_PER_KG
    projection = the_line(figure, "projection")
    assert projection.get_ydata()[-1] == 135.0
    end_x = data.projected_end.toordinal() - date(1970, 1, 1).toordinal()
    assert projection.get_xdata()[-1] == end_x
    assert figure.axes[0].get_xlim()[1] > end_x  # the axis reaches past the projected end


def test_the_cumulative_dose_is_a_continuous_step_over_unlogged_days():
    data = full_data()  # days 10-12 not logged
    line = the_line(build_figure("dose", data), "dose")
    totals = list(line.get_ydata())
    first, last = day(1).toordinal(), day(30).toordinal()
    gap = [totals[d.toordinal() - START.toordinal()] for d in (day(9), day(10), day(11), day(12), day(13))]
    assert gap[0] == gap[1] == gap[2] == gap[3] < gap[4]  # level over the gap, up on the next dose
    assert not np.isnan([totals[o - START.toordinal()] for o in range(first, last + 1)]).any()
    assert line.get_drawstyle() == "steps-post"


def test_lab_chart_draws_threshold_lines_and_the_critical_one_when_it_matters():
    def lines(labs):
        figure = build_figure("labs", ChartData(START, END, labs=labs))
        return sorted(round(a.get_ydata()[0]) for a in artists(figure, "threshold"))

    low = lines([LabRecord(day(1), triglycerides=150, alt=20, ast=20)])
    high = lines([LabRecord(day(1), triglycerides=650, alt=20, ast=20)])
    assert TRIGLYCERIDES_WARNING_MG_DL in low and TRIGLYCERIDES_CRITICAL_MG_DL not in low
    assert TRIGLYCERIDES_CRITICAL_MG_DL in high
    assert 120 in low  # 3 × the upper limit of normal for ALT and AST


def test_labs_outside_the_window_stretch_the_axis():
    labs = [LabRecord(START - timedelta(days=60), triglycerides=150), LabRecord(day(2), triglycerides=180)]
    figure = build_figure("labs", ChartData(START, END, labs=labs))
    assert len(the_line(figure, "triglycerides").get_xdata()) == 2


def test_entries_outside_the_window_are_left_out():
    data = ChartData(START, END, [entry(0, lips=9), entry(1, lips=1), entry(31, lips=9)])
    assert max(np.nan_to_num(the_line(build_figure("dryness", data), "lips").get_ydata())) == 1
    assert len(describe("dryness", data).rows) == 1


def test_orm_rows_are_read_by_attribute_name():
    row = SimpleNamespace(**{**entry(1).__dict__, "notes": "private"})
    text = describe("dryness", ChartData(START, END, [row]))
    assert text.rows == (("1 Mar 2025", "3", "2", "1", "no"),)


@pytest.mark.parametrize("weeks", [1, 4, 13, 26, 52])
def test_the_date_axis_keeps_to_a_handful_of_labels(weeks):
    end = START + timedelta(weeks=weeks)
    figure = build_figure("dryness", ChartData(START, end, [entry(1)]))
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert 2 <= len(labels) <= 7
    assert all(label for label in labels)


# --- In words -----------------------------------------------------------------------------------------------


def test_alt_text_says_how_lip_dryness_moved():
    rising = ChartData(START, END, [entry(n, lips=3 if n <= 15 else 7) for n in range(1, 31)])
    assert "lip dryness rose from 3 to 7" in describe("dryness", rising).alt
    falling = ChartData(START, END, [entry(n, lips=8 if n <= 15 else 2) for n in range(1, 31)])
    assert "lip dryness fell from 8 to 2" in describe("dryness", falling).alt
    steady = ChartData(START, END, [entry(n, lips=4) for n in range(1, 31)])
    assert "lip dryness stayed about 4" in describe("dryness", steady).alt


def test_alt_text_counts_days_and_names_events():
    text = describe("dryness", full_data()).alt
    assert "entries on 27 of 30 days" in text
    assert "Nosebleeds on 1 day: 5 Mar" in text
    sun = describe("sun", full_data()).alt
    assert "severe on 8 Mar" in sun


def test_alt_text_gives_phq9_scores_with_their_bands():
    text = describe("mood", full_data()).alt
    assert "9 (mild) on 2 Mar" in text and "18 (moderately severe) on 29 Mar" in text


def test_dose_alt_text_gives_progress_against_the_target_and_the_projected_end():
    data = ChartData(
        START, END, dose_points=[(day(30), 67.5)], projected_end=date(2025, 7, 1), target_mg_per_kg=135
    )
    text = describe("dose", data).alt
    assert "reached 67.5 mg/kg on 30 Mar 2025, 50% of the 135 mg/kg target" in text
    assert "1 Jul 2025" in text


def test_lab_alt_text_names_values_above_an_action_level():
    text = describe("labs", full_data()).alt
    assert "triglycerides 610 on 29 Mar" in text
    assert "ALT 130 on 29 Mar" in text
    assert "AST 40" not in text.split("Above an action level")[1]


@pytest.mark.parametrize("name", CHART_NAMES)
def test_the_table_holds_the_numbers_behind_the_chart(name):
    text = describe(name, full_data())
    assert text.title and text.alt
    assert text.rows
    assert all(len(row) == len(text.columns) for row in text.rows)
    assert all(isinstance(cell, str) for row in text.rows for cell in row)


def test_dryness_table_has_one_row_per_logged_day():
    text = describe("dryness", full_data())
    assert text.columns == ("Date", "Lips", "Skin", "Eyes", "Nosebleed")
    assert len(text.rows) == 27
    assert text.rows[4] == ("5 Mar 2025", "3", "2", "1", "yes")


# --- Colours ------------------------------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour.lstrip("#")[i : i + 2], 16) / 255) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_palette_is_okabe_ito_hues_readable_on_the_light_and_the_dark_page():
    assert set(COLOURS.values()) <= set(MID_TONE.values())
    assert MID_TONE.keys() == OKABE_ITO.keys()
    for colour in {*COLOURS.values(), INK, MUTED, NO_ENTRY}:
        for theme, background in PAGE_BACKGROUNDS.items():
            assert _contrast(colour, background) >= 3, (colour, theme)


def _colour(artist) -> str:
    if hasattr(artist, "get_color") and not hasattr(artist, "get_segments"):
        return to_hex(artist.get_color())
    return to_hex(artist.get_edgecolor()[0] if hasattr(artist, "get_segments") else artist.get_facecolor())


@pytest.mark.parametrize("name", CHART_NAMES)
def test_one_measure_keeps_one_colour_and_measures_on_a_chart_differ(name):
    figure = build_figure(name, full_data())
    seen = {}
    for gid in EXPECTED[name] & COLOURS.keys():
        for artist in artists(figure, gid):
            assert _colour(artist).upper() == COLOURS[gid].upper(), gid
        seen[gid] = COLOURS[gid]
    # Two measures on the same chart never share a colour (sunburn marks are one measure in two shapes).
    assert len(set(seen.values())) == len(seen)


# --- Nothing to draw ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHART_NAMES)
def test_empty_data_draws_a_message_not_an_exception(name):
    data = ChartData(START, END)
    png = render(name, data)
    assert Image.open(io.BytesIO(png)).size == image_size(name)
    figure = build_figure(name, data)
    message = " ".join(t.get_text() for t in figure.texts)
    assert message.startswith("No ")
    text = describe(name, data)
    assert text.alt.startswith("No ") and text.rows == ()


def test_daily_charts_say_no_entries_in_this_period():
    figure = build_figure("dryness", ChartData(START, END))
    assert [t.get_text() for t in figure.texts] == ["No entries in this period"]


def test_a_one_day_window_draws():
    data = ChartData(START, START, [entry(1)])
    for name in CHART_NAMES:
        assert render(name, data)[:4] == b"\x89PNG"


# --- Misuse -------------------------------------------------------------------------------------------------


def test_an_unknown_chart_name_raises_key_error():
    for call in (render, build_figure, describe):
        with pytest.raises(KeyError):
            call("weather", full_data())
    with pytest.raises(KeyError):
        image_size("weather")


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        ChartData(END, START)


# --- Matplotlib's own files ---------------------------------------------------------------------------------


def test_matplotlib_gets_a_writable_directory_even_without_a_home(tmp_path):
    """A service account without a writable home: no temporary-directory warning, a stable cache dir."""
    env = {k: v for k, v in os.environ.items() if k != "MPLCONFIGDIR"}
    env["HOME"] = str(tmp_path / "missing")
    env["XDG_CONFIG_HOME"] = env["XDG_CACHE_HOME"] = str(tmp_path / "missing")
    code = "import diary.charts, matplotlib; print(matplotlib.get_cachedir())"
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == str(root / "instance" / "matplotlib")
    assert "temporary" not in done.stderr and "Warning" not in done.stderr


# --- Any data at all ----------------------------------------------------------------------------------------

maybe = lambda values: st.none() | values  # noqa: E731
day_records = st.builds(
    DayRecord,
    day=st.dates(START - timedelta(days=5), END + timedelta(days=5)),
    dose_mg=maybe(st.floats(0, 200)),
    lips=maybe(st.integers(0, 10)),
    skin=maybe(st.integers(0, 10)),
    eyes=maybe(st.integers(0, 10)),
    nosebleed=st.booleans(),
    sun_minutes=maybe(st.integers(0, 1440)),
    sunscreen=st.booleans(),
    covered=st.booleans(),
    sunburn=st.sampled_from(["none", "mild", "severe"]),
    mood=maybe(st.integers(0, 10)),
    skin_severity=maybe(st.integers(0, 4)),
    new_spots=maybe(st.integers(0, 100)),
)
lab_records = st.builds(
    LabRecord,
    day=st.dates(START - timedelta(days=200), END),
    triglycerides=maybe(st.floats(20, 3000)),
    alt=maybe(st.floats(1, 2000)),
    ast=maybe(st.floats(1, 2000)),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.lists(day_records, max_size=40),
    labs=st.lists(lab_records, max_size=4),
    checkins=st.lists(st.builds(CheckinRecord, st.dates(START, END), st.tuples(*[st.integers(0, 3)] * 9))),
    length=st.integers(0, 400),
    target=maybe(st.floats(100, 200)),
    projected=maybe(st.dates(END, END + timedelta(days=400))),
)
def test_any_recorded_data_draws_and_describes_every_chart(
    entries, labs, checkins, length, target, projected
):
    points = [(e.day, float(i)) for i, e in enumerate(entries)]
    data = ChartData(END - timedelta(days=length), END, entries, checkins, labs, points, projected, target)
    for name in CHART_NAMES:
        assert render(name, data)[:4] == b"\x89PNG"
        text = describe(name, data)
        assert all(len(row) == len(text.columns) for row in text.rows)
