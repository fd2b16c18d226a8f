"""Skin photos over HTTP, as the patient and the clinician use them: upload (and every bad upload refused
with nothing stored), metadata gone, sharing decided by the patient and ended at once, the limits, the ZIP
export, account deletion, the review's first beside latest and the visit report."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from conftest import csrf_token, login, post, today
from photo_files import BAD_FILES, GPS_IFD, SCRIPT, heic, phone_jpeg, photo, polyglot
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import undefer
from test_no_server_errors import _chunked_post
from werkzeug.datastructures import FileStorage
from werkzeug.serving import make_server
from werkzeug.test import encode_multipart

from diary.extensions import db
from diary.models import AuditEvent, Photo


@pytest.fixture
def patient(app, make_patient):
    """A signed-in patient's client and id."""
    patient_id = make_patient()
    client = app.test_client()
    login(client, "pat@example.com")
    return client, patient_id


@pytest.fixture
def clinic(app, patient, make_clinician, share):
    """The patient shares the diary with a signed-in clinician: (patient client, clinician client, id)."""
    client, patient_id = patient
    clinician_id, _ = make_clinician()
    share(patient_id, clinician_id)
    doctor = app.test_client()
    login(doctor, "doc@example.com")
    return client, doctor, patient_id


def upload(client, data: bytes, view: str = "front", name: str = "photo.jpg"):
    form = {"csrf_token": csrf_token(client), "view": view, "photo": (io.BytesIO(data), name)}
    return client.post("/photos/upload", data=form, content_type="multipart/form-data")


def rows(app) -> list[Photo]:
    with app.app_context():
        everything = select(Photo).options(undefer(Photo.content), undefer(Photo.thumbnail))
        found = list(db.session.scalars(everything.order_by(Photo.id)))
        db.session.expunge_all()
        return found


def uploaded(app, client, data: bytes, view: str = "front") -> int:
    response = upload(client, data, view)
    assert response.status_code == 302, response.get_data(as_text=True)
    return rows(app)[-1].id


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- Taking photos ------------------------------------------------------------------------------------------


def test_a_photo_with_gps_comes_back_with_no_exif_and_a_rotated_one_upright(app, patient):
    client, _ = patient
    photo_id = uploaded(app, client, phone_jpeg((800, 600), orientation=6))
    response = client.get(f"/photos/{photo_id}.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    image = opened(response.get_data())
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
    assert image.size == (600, 800)  # upright: the camera's "rotate to view" applied
    assert image.convert("RGB").getpixel((580, 20))[0] > 200  # the red corner is now top right
    thumb = opened(client.get(f"/photos/{photo_id}/thumb.jpg").get_data())
    assert thumb.size == (240, 320) and not thumb.getexif()


def test_the_page_asks_for_three_views_with_the_camera_and_saves_each_private(app, patient):
    client, _ = patient
    page = client.get("/photos").get_data(as_text=True)
    for view in ("front", "left", "right"):
        assert f'id="photo-{view}" name="photo" accept="image/*" capture="user"' in page
    assert "Same place and same light" in page and "Hair back" in page
    response = upload(client, heic(), "left")  # an iPhone's HEIC
    assert response.status_code == 302 and response.headers["Location"].endswith("/photos#view-left")
    (row,) = rows(app)
    assert (row.view, row.taken_on, row.shared) == ("left", today(), False)
    page = client.get("/photos").get_data(as_text=True)
    assert "It is private" in page and "Private</span>" in page
    assert f'src="/photos/{row.id}/thumb.jpg"' in page and 'loading="lazy"' in page
    assert f'data-previous="/photos/{row.id}/thumb.jpg"' in page  # the overlay for the next left photo


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[name for name, _, _ in BAD_FILES])
def test_each_bad_upload_is_refused_beside_the_field_and_leaves_no_row(app, patient, name, data, message):
    client, _ = patient
    response = upload(client, data, "right", name)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'<p class="error" id="photo-right-error">{message}' in page
    assert 'aria-invalid="true"' in page
    assert rows(app) == []


def test_a_polyglot_jpeg_is_kept_without_its_script(app, patient):
    client, _ = patient
    photo_id = uploaded(app, client, polyglot())
    stored = rows(app)[0]
    assert SCRIPT not in stored.content and b"<script" not in stored.content
    assert b"<script" not in client.get(f"/photos/{photo_id}.jpg").get_data()


def test_an_upload_without_a_file_or_with_a_view_the_page_never_offers_is_refused(app, patient):
    client, _ = patient
    response = post(client, "/photos/upload", {"view": "front"})
    assert response.status_code == 422 and "Choose a photo to upload." in response.get_data(as_text=True)
    assert upload(client, photo(), "back").status_code == 400
    assert post(client, "/photos/upload", {"view": "front", "photo": "not a file"}).status_code == 422
    assert rows(app) == []


# --- Limits -------------------------------------------------------------------------------------------------


def test_only_the_upload_accepts_a_body_over_the_app_wide_limit(app, patient):
    client, _ = patient
    noise = Image.effect_noise((400, 300), 50).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "PNG")
    big = out.getvalue()  # well over the 64 KB every other route takes
    assert len(big) > app.config["MAX_CONTENT_LENGTH"]
    photo_id = uploaded(app, client, big)
    padded = {"csrf_token": csrf_token(client), "shared": "1", "padding": "x" * len(big)}
    assert client.post(f"/photos/{photo_id}/share", data=padded).status_code == 413
    assert rows(app)[0].shared is False


def test_an_upload_over_the_photo_limit_is_413_with_a_clear_message(app, patient):
    client, _ = patient
    app.config["PHOTO_MAX_BYTES"] = 1024 * 1024
    # Encoded here, in memory: the test client's own encoder spools a body this size to a file that only a
    # reader would close, and the app refuses it unread.
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token(client),
            "view": "front",
            "photo": FileStorage(io.BytesIO(b"\xff" * 1024 * 1024), "a.jpg"),
        }
    )
    response = client.post(
        "/photos/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "That photo is larger than the 1 MB the diary accepts" in response.get_data(as_text=True)
    assert rows(app) == []


def test_chunked_bodies_meet_the_limit_of_their_route(app):
    app.config["PHOTO_MAX_BYTES"] = 512 * 1024
    server = make_server("127.0.0.1", 0, app, threaded=True)
    import threading

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        over_forms = 2 * app.config["MAX_CONTENT_LENGTH"]
        assert _chunked_post(server.port, "/today", over_forms) == 413
        assert _chunked_post(server.port, "/photos/upload", over_forms) == 400  # read whole: on to CSRF
        assert _chunked_post(server.port, "/photos/upload", 600 * 1024) == 413
    finally:
        server.shutdown()
        server.server_close()


def test_a_few_photos_per_view_per_day(app, patient):
    client, _ = patient
    for _ in range(3):
        uploaded(app, client, photo(), "front")
    response = upload(client, photo(), "front")
    assert response.status_code == 422
    assert "You have saved 3 photos of this view today" in response.get_data(as_text=True)
    uploaded(app, client, photo(), "left")  # another view still can
    assert len(rows(app)) == 4


def test_the_storage_cap_is_met_with_a_clear_message(app, patient):
    client, _ = patient
    uploaded(app, client, photo())
    app.config["PHOTO_STORAGE_PER_PATIENT"] = rows(app)[0].byte_size + 1000
    response = upload(client, photo(), "left")
    assert response.status_code == 422
    assert "Your photos have filled the" in response.get_data(as_text=True)
    assert len(rows(app)) == 1


def test_fifty_uploads_in_a_minute_are_stopped_and_store_nothing(app, patient):
    client, _ = patient
    statuses = [upload(client, b"not a photo").status_code for _ in range(50)]
    limit = app.config["PHOTO_UPLOADS_PER_WINDOW"]
    assert statuses == [422] * limit + [429] * (50 - limit)
    response = upload(client, photo())  # a real photo too, until the window passes
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert "You have sent many photos in a short time" in response.get_data(as_text=True)
    assert rows(app) == []


# --- The patient decides ------------------------------------------------------------------------------------


def test_private_photos_never_reach_the_clinician_and_shared_ones_do(app, clinic):
    client, doctor, patient_id = clinic
    shared, private = uploaded(app, client, photo()), uploaded(app, client, photo(), "left")
    assert post(client, f"/photos/{shared}/share", {"shared": "1"}).status_code == 302
    base = f"/clinic/patients/{patient_id}/photos"
    for suffix in (".jpg", "/thumb.jpg"):
        response = doctor.get(f"{base}/{shared}{suffix}")
        assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
        assert doctor.get(f"{base}/{private}{suffix}").status_code == 404
    review = doctor.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert f"{base}/{shared}/thumb.jpg" in review and f"/{private}/" not in review


def test_stopping_sharing_a_photo_or_the_diary_ends_access_at_once(app, clinic, make_patient):
    client, doctor, patient_id = clinic
    photo_id = uploaded(app, client, photo())
    url = f"/clinic/patients/{patient_id}/photos/{photo_id}.jpg"
    post(client, f"/photos/{photo_id}/share", {"shared": "1"})
    assert doctor.get(url).status_code == 200
    post(client, f"/photos/{photo_id}/share", {"shared": "0"})
    assert doctor.get(url).status_code == 404
    assert post(client, "/photos/share-all", {"shared": "1"}).status_code == 302
    assert doctor.get(url).status_code == 200
    with app.app_context():
        from diary.models import Share

        share_id = db.session.scalar(select(Share.id).where(Share.patient_id == patient_id))
    post(client, f"/sharing/{share_id}/stop")
    assert doctor.get(url).status_code == 404
    assert doctor.get(url.replace(".jpg", "/thumb.jpg")).status_code == 404


def test_share_all_and_make_all_private(app, patient):
    client, _ = patient
    for view in ("front", "left", "right"):
        uploaded(app, client, photo(), view)
    response = post(client, "/photos/share-all", {"shared": "1"}, follow_redirects=True)
    assert "3 photos shared with your clinic." in response.get_data(as_text=True)
    assert all(row.shared for row in rows(app))
    post(client, "/photos/share-all", {"shared": "0"})
    assert not any(row.shared for row in rows(app))
    assert post(client, "/photos/share-all", {"shared": "maybe"}).status_code == 400


def test_a_full_size_view_by_the_clinician_is_audited_and_a_refused_one_is_not(app, clinic):
    client, doctor, patient_id = clinic
    photo_id = uploaded(app, client, photo())
    post(client, f"/photos/{photo_id}/share", {"shared": "1"})
    doctor.get(f"/clinic/patients/{patient_id}/photos/{photo_id}.jpg")
    doctor.get(f"/clinic/patients/{patient_id}/photos/{photo_id + 1}.jpg")  # no such photo
    with app.app_context():
        seen = db.session.execute(
            select(AuditEvent.action, AuditEvent.patient_id, AuditEvent.detail).where(
                AuditEvent.action == "photo_view"
            )
        ).all()
    assert seen == [("photo_view", patient_id, f"photo {photo_id}")]


def test_another_patients_photo_is_missing_to_every_route(app, patient, make_patient):
    client, _ = patient
    photo_id = uploaded(app, client, photo())
    make_patient("other@example.com")
    other = app.test_client()
    login(other, "other@example.com")
    assert other.get(f"/photos/{photo_id}.jpg").status_code == 404
    assert other.get(f"/photos/{photo_id}/thumb.jpg").status_code == 404
    assert post(other, f"/photos/{photo_id}/share", {"shared": "1"}).status_code == 404
    assert post(other, f"/photos/{photo_id}/delete").status_code == 404
    assert [(row.id, row.shared) for row in rows(app)] == [(photo_id, False)]


def test_deleting_a_photo(app, patient):
    client, _ = patient
    kept, deleted = uploaded(app, client, photo()), uploaded(app, client, photo(), "left")
    response = post(client, f"/photos/{deleted}/delete", follow_redirects=True)
    assert "Photo deleted." in response.get_data(as_text=True)
    assert [row.id for row in rows(app)] == [kept]
    assert client.get(f"/photos/{deleted}.jpg").status_code == 404


def test_the_zip_export_holds_the_csv_the_json_and_every_photo(app, patient):
    client, _ = patient
    photo_id = uploaded(app, client, phone_jpeg())
    response = client.get("/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()  # streamed: closed as a server closes it
    name = f"photos/{today().isoformat()}-front-{photo_id}.jpg"
    assert sorted(archive.namelist()) == ["diary.csv", "diary.json", name]
    assert archive.read(name) == rows(app)[0].content
    document = json.loads(archive.read("diary.json"))
    assert document["photos"] == [
        {
            "taken_on": today().isoformat(),
            "view": "front",
            "shared_with_clinic": False,
            "width": 800,
            "height": 600,
            "file": name,
        }
    ]
    assert "# photos" in archive.read("diary.csv").decode("utf-8-sig")


def test_deleting_the_account_deletes_the_photos(app, patient):
    client, _ = patient
    uploaded(app, client, photo())
    form = {"delete-password": "correct horse battery"}
    assert post(client, "/account/delete", form).status_code == 302
    assert rows(app) == []


# --- The clinician ------------------------------------------------------------------------------------------


def _back_date(app, photo_id: int, days: int) -> None:
    with app.app_context():
        db.session.get(Photo, photo_id).taken_on = today() - timedelta(days=days)
        db.session.commit()


def test_the_review_shows_first_beside_latest_per_view_with_weeks_and_the_rest_between(
    app, clinic, make_course
):
    client, doctor, patient_id = clinic
    make_course(patient_id, today() - timedelta(days=70))
    app.config["PHOTOS_PER_VIEW_PER_DAY"] = 10
    first, middle, latest = (uploaded(app, client, photo(), "front") for _ in range(3))
    _back_date(app, first, 70)
    _back_date(app, middle, 35)
    only_left = uploaded(app, client, photo(), "left")
    uploaded(app, client, photo(), "right")  # private: not shown
    for photo_id in (first, middle, latest, only_left):
        post(client, f"/photos/{photo_id}/share", {"shared": "1"})
    page = doctor.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    section = page[page.index('<section id="photos"') :]
    section = section[: section.index("</section>")]
    assert section.count("<h3>") == 2 and "Front" in section and "Left side" in section
    assert "Right side" not in section
    start = today() - timedelta(days=70)
    assert f"<strong>First</strong> {start:%-d %b %Y} · week 1" in section
    assert f"<strong>Latest</strong> {today():%-d %b %Y} · week 11" in section
    assert "<strong>Only photo</strong>" in section
    assert f"/photos/{middle}/thumb.jpg" in section and "In between (1)" in section
    assert section.count('loading="lazy"') == 4 and 'width="320" height="240"' in section


def _images_in(pdf: bytes) -> int:
    return pdf.count(b"/Subtype /Image")


def test_the_visit_report_prints_first_and_latest_per_view(app, clinic):
    client, doctor, patient_id = clinic
    for n, view in enumerate(("front", "front", "left", "left")):  # four different pictures
        uploaded(app, client, photo(colour=(100 + 40 * n, 120, 110)), view)
    without = doctor.get(f"/clinic/patients/{patient_id}/report.pdf").get_data()
    post(client, "/photos/share-all", {"shared": "1"})
    response = doctor.get(f"/clinic/patients/{patient_id}/report.pdf")
    assert response.status_code == 200
    assert _images_in(response.get_data()) == _images_in(without) + 4  # two views, first and latest each


# --- /today -------------------------------------------------------------------------------------------------


def test_today_links_to_the_photos_on_a_photo_day(app, patient):
    client, _ = patient
    assert 'href="/photos">take your skin photos' in client.get("/today").get_data(as_text=True)
    photo_id = uploaded(app, client, photo())
    assert "take your skin photos" not in client.get("/today").get_data(as_text=True)
    _back_date(app, photo_id, 28)
    assert "take your skin photos" in client.get("/today").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Photo)) == 1


def test_a_photo_and_its_sharing_move_only_the_patients_data_version(app, patient, make_patient):
    client, patient_id = patient
    other = make_patient("other@example.com")

    def versions() -> tuple[int, int]:
        with app.app_context():
            from diary.models import User

            rows_ = dict(db.session.execute(select(User.id, User.data_version)).tuples().all())
            return rows_[patient_id], rows_[other]

    mine, theirs = versions()
    photo_id = uploaded(app, client, photo())
    post(client, f"/photos/{photo_id}/share", {"shared": "1"})
    post(client, f"/photos/{photo_id}/delete")
    assert versions() == (mine + 3, theirs)
