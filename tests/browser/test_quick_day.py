"""The daily form on a phone (DESIGN.md "The daily form"): a typical day in at most 8 taps and no typing,
0–10 scales in one row at 360 px, answered sections folded, and a refused form's summary of errors focused."""

from datetime import timedelta

from playwright.sync_api import expect

from diary.extensions import db
from diary.models import Course, CourseRevision, Entry

from .support import ERRORS_EMAIL, TAPS_EMAIL, Watch, entries, layout_problems, pretty, screenshot
from .test_patient_day import tap_step

PHONE = (390, 844)
NARROW = (360, 740)
MOST_TAPS = 8  # DESIGN.md "The daily form"

# Counted by the page itself: every touch that ends on it, and every key pressed (there must be none).
COUNT_JS = """
window.__taps = 0; window.__keys = 0;
document.addEventListener('touchend', () => { window.__taps += 1; }, true);
document.addEventListener('keydown', () => { window.__keys += 1; }, true);
"""


def give_a_course_and_yesterday(site, email: str, **yesterday) -> None:
    """40 mg a day for three weeks, and yesterday logged with these answers."""
    today = site.today()
    patient_id = site.ids[email]
    with site.app.app_context():
        if db.session.scalar(db.select(Course).where(Course.patient_id == patient_id)) is None:
            course = Course(
                patient_id=patient_id, start_date=today - timedelta(days=21), weight_kg=64, daily_dose_mg=40
            )
            db.session.add(course)
            db.session.flush()
            db.session.add(
                CourseRevision(
                    course_id=course.id,
                    effective_on=course.start_date,
                    weight_kg=64,
                    daily_dose_mg=40,
                    target_mg_per_kg=135.0,
                )
            )
        db.session.add(Entry(patient_id=patient_id, day=today - timedelta(days=1), **yesterday))
        db.session.commit()
        db.session.remove()


class Taps:
    """Taps things on a phone and counts them."""

    def __init__(self, page) -> None:
        self.page = page
        self.count = 0

    def tap(self, target) -> None:
        target.tap()
        self.count += 1


def test_same_as_yesterday_then_save_logs_a_typical_day_in_at_most_eight_taps(site, new_context):
    give_a_course_and_yesterday(
        site,
        TAPS_EMAIL,
        dose_mg=40, lips=4, skin=3, eyes=2, mood=6, skin_severity=2, sun_minutes=45, sunscreen=True,
        headache=True, notes="Cracked lips.",
    )  # fmt: skip
    page = new_context(PHONE, TAPS_EMAIL).new_page()
    watch = Watch(page, site.base_url)
    page.add_init_script(COUNT_JS)
    page.goto("/today")
    form = page.locator("form.entry")
    full_height = form.bounding_box()["height"]
    taps = Taps(page)

    taps.tap(page.get_by_role("link", name="Same as yesterday"))
    expect(
        page.get_by_role("status").filter(has_text="Filled in the dryness, mood and acne scales")
    ).to_be_visible()
    # Answered sections folded to one line each, saying their answers; the warning signs stay in full.
    mood = page.get_by_role("button", name="Mood 6")
    expect(mood).to_be_visible()
    expect(page.get_by_role("button", name="Dryness lips 4, skin 3, eyes 2")).to_be_visible()
    expect(page.get_by_role("button", name="Dose 40 mg")).to_be_visible()
    expect(page.get_by_text("Thoughts of harming myself")).to_be_visible()
    folded = page.locator("form.entry section.folded")
    expect(folded).to_have_count(4)  # dose, dryness, mood, skin
    assert max(one.bounding_box()["height"] for one in folded.all()) <= 64
    assert form.bounding_box()["height"] < full_height * 0.75, (full_height, form.bounding_box())
    screenshot(page, "quick-day-folded-390x844", full_page=False)

    # Today the mood is a little better: open its line, tap 7, save.
    taps.tap(mood)
    tap = page.locator("fieldset.scale", has_text="Mood").locator("label.step").nth(7)
    taps.tap(tap)
    counted_by_page = page.evaluate("window.__taps")
    with page.expect_navigation():
        taps.tap(page.get_by_role("button", name="Save today"))
    assert page.get_by_role("heading", name="Saved").is_visible()

    assert counted_by_page + 1 == taps.count <= MOST_TAPS, (counted_by_page, taps.count)
    assert page.evaluate("window.__keys") == 0
    [today] = [entry for entry in entries(site, TAPS_EMAIL) if entry["day"] == site.today()]
    assert (today["lips"], today["skin"], today["eyes"], today["mood"], today["skin_severity"]) == (
        4,
        3,
        2,
        7,
        2,
    )
    assert today["dose_mg"] == 40  # the prescription, prefilled
    # Never copied: the notes, the warning signs, nor what happened on the day.
    assert (today["notes"], today["headache"], today["sunscreen"], today["sun_minutes"]) == (
        "",
        False,
        False,
        None,
    )
    assert not watch.problems(), pretty(watch.problems())


def test_each_scale_is_one_row_of_steps_at_360_px(site, new_context):
    page = new_context(NARROW, "new_patient").new_page()
    page.goto("/today")
    rows = page.eval_on_selector_all(
        "fieldset.scale .steps",
        """(rows) => rows.map((row) => [...row.querySelectorAll('label.step')].map((step) => {
            const box = step.getBoundingClientRect();
            return [Math.round(box.top), box.width, box.height];
        }))""",
    )
    assert len(rows) == 4
    for steps in rows:
        assert len(steps) == 11
        assert len({top for top, _, _ in steps}) == 1, f"a scale wraps: {steps}"
        assert min(width for _, width, _ in steps) >= 30, steps
        assert min(height for _, _, height in steps) >= 44, steps
    problems = layout_problems(page, NARROW[0])
    assert not problems, pretty(problems)


def test_a_refused_day_moves_focus_to_its_errors_and_each_link_brings_its_field_into_view(site, new_context):
    page = new_context(PHONE, ERRORS_EMAIL).new_page()
    watch = Watch(page, site.base_url)
    page.goto("/today")
    tap_step(page, "Lips", 2)
    page.get_by_label("Dose taken (mg)").fill("999")
    page.get_by_label("New spots since yesterday").fill("-5")
    with page.expect_navigation() as answer:
        page.get_by_role("button", name="Save today").tap()
    assert answer.value.status == 422

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert page.evaluate("window.scrollY") < 200  # at the top: read first
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    save_bar = page.locator(".save-bar").bounding_box()
    for index, field in enumerate(("dose_mg", "new_spots")):
        links.nth(index).tap()
        target = page.locator(f"#{field}")
        expect(target).to_be_focused()
        box = target.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= save_bar["y"], f"{field} hidden: {box}"
    assert page.locator("input[name=lips][value='2']").is_checked()  # the rest kept
    screenshot(page, "today-errors-focused-390x844", full_page=False)
    assert not watch.problems(422), pretty(watch.problems(422))
