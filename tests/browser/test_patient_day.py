"""A patient's day by touch on a 390×844 phone: register, set up the course, log today with taps, check the
history, change yesterday, and see the crisis response in full after a self-harm answer."""

from datetime import timedelta

from diary.clinical.days import local_today
from diary.extensions import db
from diary.models import Entry, User

from .support import CRISIS_EMAIL, PHONE_TIMEZONE, Watch, layout_problems, pretty, screenshot

PHONE = (390, 844)
EMAIL = "touch@patient.example"
PASSWORD = "a phone in one hand"


def tap_and_wait(page, target) -> None:
    """Tap something that loads a new page, and wait for that page."""
    with page.expect_navigation():
        target.tap()


def tap_step(page, legend: str, value: int) -> None:
    """Tap one step of a 0–10 scale, found by the scale's legend."""
    page.locator("fieldset.scale", has=page.locator("legend", has_text=legend)).locator("label.step").nth(
        value
    ).tap()


def tap_choice(page, legend: str, label: str) -> None:
    group = page.locator("fieldset.choices", has=page.locator("legend", has_text=legend))
    group.locator("label.choice", has_text=label).first.tap()


def stored_entries(site, email: str) -> dict:
    with site.app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        rows = db.session.scalars(db.select(Entry).where(Entry.patient_id == user.id))
        entries = {entry.day: entry.values() for entry in rows}
        db.session.remove()
    return entries


def test_patient_logs_a_day_by_touch(site, new_context):
    page = new_context(PHONE, timezone_id=PHONE_TIMEZONE).new_page()
    watch = Watch(page, site.base_url)
    today = local_today(PHONE_TIMEZONE)
    yesterday = today - timedelta(days=1)

    page.goto("/register")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").tap()
    # The same answer as for a taken address: check your email; the new account can sign in at once.
    page.get_by_role("heading", name="Check your email").wait_for()
    page.get_by_role("link", name="Sign in").tap()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").tap()
    page.wait_for_url("**/today")

    if "care.course" in site.app.view_functions:
        page.get_by_role("link", name="Course", exact=True).tap()
        page.get_by_label("Start date").fill((today - timedelta(days=20)).isoformat())
        page.get_by_label("Weight", exact=True).fill("64")
        page.get_by_label("Prescribed daily dose (mg)").fill("40")
        tap_and_wait(page, page.get_by_role("button", name="Set up my course"))
        page.get_by_role("link", name="Today", exact=True).tap()
        page.wait_for_url("**/today")
        assert page.get_by_label("Dose taken (mg)").input_value() in ("40", "40.0"), "dose not prefilled"

    # Save stays within thumb's reach: on screen from the first view, at the bottom.
    save = page.get_by_role("button", name="Save today").bounding_box()
    assert PHONE[1] / 2 < save["y"] and save["y"] + save["height"] <= PHONE[1], f"Save out of reach: {save}"
    screenshot(page, "journey-today-first-screen-390x844", full_page=False)

    # Today, with taps only: scales, choices and boxes.
    tap_step(page, "Lips", 6)
    tap_step(page, "Skin", 3)
    tap_step(page, "Eyes", 2)
    page.get_by_text("Sunscreen SPF 30+ applied").tap()
    tap_choice(page, "Sunburn", "Mild (red)")
    tap_step(page, "Mood", 8)
    tap_choice(page, "How is your acne overall?", "Moderate")
    assert page.locator("input[name=lips][value='6']").is_checked()
    assert page.locator("input[name=mood][value='8']").is_checked()
    tap_and_wait(page, page.get_by_role("button", name="Save today"))
    assert page.get_by_role("heading", name="Saved").is_visible()
    assert page.get_by_role("status").filter(has_text="is saved").is_visible()
    assert page.locator(".crisis").count() == 0
    screenshot(page, "journey-saved-390x844")

    # History shows the day; yesterday can be filled in from there, and changed again.
    page.get_by_role("link", name="History").first.tap()
    page.wait_for_url("**/history")
    first_row = page.locator("li.day").first
    assert "Lips" in first_row.inner_text() and "6" in first_row.inner_text()
    page.get_by_role("link", name=f"Fill in {yesterday.strftime('%A %-d %B')}").tap()
    page.wait_for_url(f"**/day/{yesterday.isoformat()}")
    tap_step(page, "Lips", 5)
    tap_step(page, "Mood", 4)
    tap_and_wait(page, page.get_by_role("button", name=f"Save {yesterday.strftime('%a %-d %b')}"))
    assert page.get_by_role("status").filter(has_text="is saved").is_visible()
    page.get_by_role("link", name="History").first.tap()
    page.get_by_role("link", name=f"Change {yesterday.strftime('%A %-d %B')}").tap()
    assert page.locator("input[name=mood][value='4']").is_checked(), "the saved answer is not shown"
    tap_step(page, "Mood", 5)
    tap_and_wait(page, page.get_by_role("button", name=f"Save {yesterday.strftime('%a %-d %b')}"))
    assert page.get_by_role("status").filter(has_text="changes").is_visible()

    entries = stored_entries(site, EMAIL)
    assert set(entries) == {today, yesterday}
    assert (entries[today]["lips"], entries[today]["skin"], entries[today]["mood"]) == (6, 3, 8)
    assert (entries[today]["sunburn"], entries[today]["skin_severity"], entries[today]["sunscreen"]) == (
        "mild",
        3,
        True,
    )
    assert (entries[yesterday]["lips"], entries[yesterday]["mood"]) == (5, 5)
    assert not watch.problems(), pretty(watch.problems())


def test_crisis_response_fills_a_phone_screen_without_zooming(site, new_context):
    page = new_context(PHONE, CRISIS_EMAIL).new_page()
    watch = Watch(page, site.base_url)
    page.goto("/today")
    tap_step(page, "Mood", 1)
    page.get_by_text("Thoughts of harming myself").tap()
    tap_and_wait(page, page.get_by_role("button", name="Save today"))

    panel = page.locator(".crisis")
    assert panel.is_visible()
    assert page.evaluate("window.scrollY") == 0
    box = panel.bounding_box()
    width, height = PHONE
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"crisis panel sideways out of view: {box}"
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"crisis panel not all on screen: {box}"
    assert page.evaluate("window.innerWidth") == width, "the page is zoomed out"
    for tel in ("tel:988", "tel:911"):
        assert panel.locator(f"a[href='{tel}']").is_visible()
    sizes = panel.evaluate(
        """(panel) => [...panel.querySelectorAll('*')]
            .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
            .map((el) => [el.tagName, parseFloat(getComputedStyle(el).fontSize)])"""
    )
    small = [(tag, size) for tag, size in sizes if size < 16]
    assert not small, f"crisis text under 16 px: {small}"
    screenshot(page, "crisis-saved-390x844")
    problems = layout_problems(page, width) + watch.problems()
    assert not problems, pretty(problems)
