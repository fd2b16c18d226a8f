"""The record number on a patient's review: folded away until wanted; a number another patient of the clinic
has comes back with the form open, the message beside the field, the number as typed, nothing stored."""

import pytest

from .support import DESK_SIZES, PATIENT_EMAIL, Watch, layout_problems, pretty, screenshot

TAKEN = "DR-10234"  # the demo's Alex Morgan has it; Sam (the review opened here) has another


@pytest.mark.parametrize("size", DESK_SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_a_record_number_already_used_in_the_clinic_is_refused_beside_the_open_field(site, new_context, size):
    page = new_context(size, "clinician").new_page()
    watch = Watch(page, site.base_url)
    page.goto(f"/clinic/patients/{site.ids[PATIENT_EMAIL]}")
    field = page.get_by_label("Record number")
    assert not field.is_visible()  # folded until asked for
    page.get_by_text("Change the record number").click()
    field.fill(TAKEN)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Save record number").click()
    assert navigation.value.status == 422
    assert field.is_visible() and field.input_value() == TAKEN
    message = page.locator("#record_number-error")
    assert message.is_visible() and "Another of your patients has this record number" in message.inner_text()
    assert "record no. DR-10871" in page.locator(".identity").inner_text()  # Sam's own, unchanged
    screenshot(page, f"record-number-taken-{size[0]}x{size[1]}", full_page=False)
    problems = layout_problems(page, size[0]) + watch.problems(422)
    assert not problems, pretty(problems)
