"""A safety answer taken back, in a real browser: the patient ticks "Thoughts of harming myself" and sees the
crisis response, then reopens the day and unticks it; the clinician's list and review still show the critical
flag, marked as changed by the patient."""

from .support import (
    CHANGED_EMAIL,
    DESK_SIZES,
    Watch,
    axe_violations,
    layout_problems,
    pretty,
    screenshot,
)

PHONE = (390, 844)
NAME = "Casey Changed"
STOP_AND_CALL = "Stop taking isotretinoin and call your prescriber right away"


def test_a_self_harm_answer_taken_back_stays_flagged_as_changed(site, new_context):
    page = new_context(PHONE, CHANGED_EMAIL).new_page()
    watch = Watch(page, site.base_url)
    today = site.today()
    changed = f"changed by the patient on {today:%-d %b %Y}"

    # The patient shares the diary with the demo clinician, through the sharing page.
    page.goto("/sharing")
    page.get_by_label("Clinic code").fill(site.clinic_code)
    page.get_by_label("Your name").fill(NAME)  # asked once, before the first share
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").tap()
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, share with").tap()

    # Ticks the box and saves: the crisis response, with the Medication Guide's stop-and-call line.
    page.goto("/today")
    page.get_by_text("Thoughts of harming myself").tap()
    with page.expect_navigation():
        page.get_by_role("button", name="Save today").tap()
    panel = page.locator(".crisis")
    assert panel.is_visible()
    assert panel.get_by_text(STOP_AND_CALL).is_visible()
    assert panel.locator("a[href='tel:988']").is_visible()

    # Reopens the day, unticks the box, saves again: no crisis response this time.
    with page.expect_navigation():
        page.get_by_role("link", name="Change this day").tap()
    box = page.locator("input[name=symptoms][value=self_harm_thoughts]")
    assert box.is_checked(), "the saved answer is not shown"
    page.get_by_text("Thoughts of harming myself").tap()
    assert not box.is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Save today").tap()
    assert page.get_by_role("status").filter(has_text="changes").is_visible()
    assert page.locator(".crisis").count() == 0
    assert not watch.problems(), pretty(watch.problems())

    # The clinician: the list and the review still show the critical flag, marked as changed.
    desk = new_context(DESK_SIZES[0], "clinician").new_page()
    desk_watch = Watch(desk, site.base_url)
    desk.goto("/clinic/")
    row = desk.locator("tr", has=desk.get_by_role("link", name=NAME, exact=True))
    assert row.locator(".badge.critical").inner_text() == "1 critical"
    assert f"Thoughts of self-harm reported — {changed}" in row.inner_text()
    with desk.expect_navigation():
        row.get_by_role("link", name=NAME, exact=True).click()
    flag = desk.locator("li.flag.critical", has_text="Thoughts of self-harm reported")
    assert flag.count() == 1 and changed in flag.inner_text()
    screenshot(desk, "review-changed-flag-1280x800")
    assert not desk_watch.problems(), pretty(desk_watch.problems())


def test_acknowledging_a_critical_flag_without_a_note_is_refused_beside_the_fields(site, new_context):
    desk = new_context(DESK_SIZES[1], "clinician").new_page()
    watch = Watch(desk, site.base_url)
    desk.goto(f"/clinic/patients/{site.placeholders()['patient_id']}")
    flag = desk.locator("li.flag.critical").first
    flag.get_by_text("Acknowledge", exact=True).first.click()  # the fold's summary
    flag.get_by_label("Called the patient").check()
    with desk.expect_navigation() as navigation:
        flag.get_by_role("button", name="Acknowledge").click()
    assert navigation.value.status == 422
    opened = desk.locator("details.ack[open]")
    assert opened.count() == 1
    assert opened.get_by_text("Write a short note of what was done.").is_visible()
    assert opened.get_by_label("Called the patient").is_checked()
    screenshot(desk, "review-ack-refused-768x1024")
    problems = layout_problems(desk, DESK_SIZES[1][0]) + axe_violations(desk) + watch.problems(422)
    assert not problems, pretty(problems)
