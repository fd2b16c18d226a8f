"""Skin photos in a real browser. On a phone (390 px) the patient takes the three views (a file chooser stands
in for the camera), sees the new photo with the last one faintly over it, and the page sends it scaled to
1600 px; without JavaScript the same form still works. A month later, the second set; then "share all", and
the diary shared with the demo clinician, who sees (1280 px) the first photo of each view beside the latest.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import request, request_started
from PIL import Image, ImageDraw

from diary.extensions import db
from diary.models import Photo

from .support import (
    DESK_SIZES,
    PHOTOS_EMAIL,
    Watch,
    axe_violations,
    image_problems,
    layout_problems,
    pretty,
    screenshot,
)

PHONE = (390, 844)
VIEWS = {
    "front": "Take the front photo",
    "left": "Take the left side photo",
    "right": "Take the right side photo",
}


def camera_photo(shade: int) -> bytes:
    """A 12-megapixel portrait JPEG, as a phone's camera gives it: several MB, textured, a face-like oval."""
    image = Image.effect_noise((3000, 4000), 28).convert("RGB")
    tint = Image.new("RGB", image.size, (200, 150 - shade, 130))
    image = Image.blend(image, tint, 0.6)
    left = 700 + 6 * shade  # the face a little off where it was last time: the overlay shows by how much
    ImageDraw.Draw(image).ellipse((left, 800, left + 1600, 3200), outline=(90, 40, 30), width=40)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


@contextmanager
def upload_sizes(app) -> Iterator[list[int]]:
    """The Content-Length of each upload the server receives while the block runs."""
    sizes: list[int] = []

    def remember(_sender, **_extra) -> None:
        if request.path == "/photos/upload":
            sizes.append(request.content_length or 0)

    request_started.connect(remember, app)
    try:
        yield sizes
    finally:
        request_started.disconnect(remember, app)


def take_photos(site, page, shade: int, shot: str | None = None) -> None:
    """Each view in turn: choose the file, wait for the preview, save. The browser scales what it sends.
    `shot`: a screenshot of the first preview under that name."""
    data = camera_photo(shade)
    with upload_sizes(site.app) as sent:
        for view, label in VIEWS.items():
            page.get_by_label(label).set_input_files(
                {"name": f"{view}.jpg", "mimeType": "image/jpeg", "buffer": data}
            )
            preview = page.locator(f"#view-{view} canvas.photo-preview")
            preview.wait_for(state="visible")
            if shot and view == "front":
                preview.scroll_into_view_if_needed()
                screenshot(page, shot, full_page=False)
            with page.expect_navigation():
                page.get_by_role("button", name=f"Save {label.removeprefix('Take the ').lower()}").tap()
            assert page.get_by_role("status").filter(has_text="photo saved").is_visible()
    assert len(sent) == 3 and all(0 < size < len(data) / 3 for size in sent), (sent, len(data))


def back_date(site, days: int) -> None:
    with site.app.app_context():
        patient = site.ids[PHOTOS_EMAIL]
        for row in db.session.scalars(db.select(Photo).where(Photo.patient_id == patient)):
            row.taken_on = row.taken_on - timedelta(days=days)
        db.session.commit()
        db.session.remove()


def test_a_patient_takes_three_views_shares_them_and_the_clinician_sees_first_beside_latest(
    site, new_context
):
    phone = new_context(PHONE, PHOTOS_EMAIL).new_page()
    watch = Watch(phone, site.base_url)
    phone.goto("/photos")
    take_photos(site, phone, 0)
    back_date(site, 56)  # that first set was eight weeks ago

    phone.goto("/photos")
    assert phone.locator("form[data-previous]").count() == 3  # each view now has a photo to line up with
    take_photos(site, phone, 40, shot="photos-preview-overlay-390x844")
    label = phone.locator("#view-front canvas.photo-preview").get_attribute("aria-label")
    assert label is None or "faintly" in label  # (the page was reloaded after the last save)
    assert phone.locator(".photo-list li").count() == 6
    assert phone.locator(".badge.private").count() == 6
    with phone.expect_navigation():
        phone.get_by_role("button", name="Share all my photos").tap()
    assert phone.get_by_role("status").filter(has_text="6 photos shared with your clinic").is_visible()
    assert phone.locator(".badge.shared").count() == 6
    problems = image_problems(phone) + layout_problems(phone, PHONE[0]) + watch.problems()
    screenshot(phone, "photos-taken-390x844")
    assert not problems, pretty(problems)
    assert not axe_violations(phone), pretty(axe_violations(phone))

    # The patient shares the diary with the demo clinician.
    phone.goto("/sharing")
    phone.get_by_label("Clinic code").fill(site.clinic_code)
    phone.get_by_label("Your name").fill("Pia Photos")  # asked once, before the first share
    with phone.expect_navigation():
        phone.get_by_role("button", name="Continue").tap()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Yes, share with").tap()

    desk = new_context(DESK_SIZES[0], "clinician").new_page()
    desk_watch = Watch(desk, site.base_url)
    desk.goto(f"/clinic/patients/{site.ids[PHOTOS_EMAIL]}#photos")
    section = desk.locator("#photos")
    assert section.locator(".photo-view").count() == 3
    today, first = site.today(), site.today() - timedelta(days=56)
    front = section.locator(".photo-view").first
    assert (
        f"First {first:%-d %b %Y}" in front.inner_text() and f"Latest {today:%-d %b %Y}" in front.inner_text()
    )
    boxes = [img.bounding_box() for img in front.locator(".photo-pair img").all()]
    assert len(boxes) == 2 and abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[0]["x"] < boxes[1]["x"]
    problems = image_problems(desk) + layout_problems(desk, DESK_SIZES[0][0]) + desk_watch.problems()
    section.scroll_into_view_if_needed()
    screenshot(desk, "photos-review-1280x800", full_page=False)
    assert not problems, pretty(problems)
    with desk.expect_navigation() as opened:
        front.locator(".photo-pair a").last.click()
    assert opened.value.status == 200 and opened.value.headers["content-type"] == "image/jpeg"
    assert opened.value.headers["cache-control"] == "private, no-store"


def test_without_javascript_a_photo_is_still_taken_and_the_server_scales_it(site, new_context):
    phone = new_context(PHONE, PHOTOS_EMAIL, java_script_enabled=False).new_page()
    phone.goto("/photos")
    data = camera_photo(80)
    phone.get_by_label(VIEWS["left"]).set_input_files(
        {"name": "left.jpg", "mimeType": "image/jpeg", "buffer": data}
    )
    with upload_sizes(site.app) as sent, phone.expect_navigation():
        phone.get_by_role("button", name="Save left side photo").tap()
    assert sent[0] > len(data)  # sent as taken
    assert phone.get_by_role("status").filter(has_text="Left side photo saved").is_visible()
    with site.app.app_context():
        latest = db.session.scalars(
            db.select(Photo).where(Photo.patient_id == site.ids[PHOTOS_EMAIL]).order_by(Photo.id.desc())
        ).first()
        assert (latest.width, latest.height) == (1200, 1600)
        db.session.remove()
