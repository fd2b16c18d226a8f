"""/photos: take the three views, see them, share them with the clinic or keep them private, delete them."""

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from diary import throttle
from diary.access import patient_required
from diary.clinical.days import local_today
from diary.clinical.photos import GUIDANCE, VIEW_HINTS, VIEW_LABELS, VIEWS, upload_problem
from diary.extensions import db
from diary.imaging import PhotoRefused, clean_photo
from diary.photos import bp
from diary.photos.forms import ShareForm, UploadForm
from diary.private_images import private_image
from diary.records.photos import (
    add_photo,
    delete_photo,
    photo_bytes,
    photo_of,
    photos_of,
    set_shared,
    upload_counts,
)
from diary.records.requests import course_is_shared
from diary.security import accepts_body

UPLOAD_SCOPE = "photo_upload"
TOO_LARGE = (
    "That photo is larger than the {mb} MB the diary accepts. A photo straight from your phone's camera is "
    "smaller: please take it again, or choose a smaller copy."
)
TOO_MANY = "You have sent many photos in a short time. Please wait {minutes} minute(s) and try again."


def _today() -> date:
    return local_today(current_user.timezone)


def _page(upload: UploadForm | None = None):
    """The photos page; `upload` is a refused upload, its message shown beside its view's file field."""
    photos = photos_of(current_user.id)
    latest = {}
    for photo in photos:  # newest first: the first of each view is its latest
        latest.setdefault(photo.view, photo)
    return render_template(
        "photos/photos.html",
        views=VIEWS,
        labels=VIEW_LABELS,
        hints=VIEW_HINTS,
        guidance=GUIDANCE,
        latest=latest,
        photos=photos,
        upload=upload,
        refused_view=upload.view.data if upload is not None else None,
        any_private=any(not photo.shared for photo in photos),
        any_shared=any(photo.shared for photo in photos),
        sharing_with_clinic=course_is_shared(current_user),
    )


@bp.get("/photos")
@patient_required
def photos():
    return _page()


@bp.post("/photos/upload")
@accepts_body("PHOTO_MAX_BYTES", TOO_LARGE)
@patient_required
def upload():
    """Decode, check and clean the photo (diary/imaging.py), then keep it private; refusals keep nothing."""
    form = UploadForm()
    if not form.validate_on_submit():
        if form.view.errors:
            abort(400)  # no view the page offers: not a form the page sent
        return _page(form), 422
    # Read before the attempt is committed: afterwards they would be loaded again, opening a transaction
    # (on SQLite a write lock) that would be held while the photo is decoded.
    patient_id, today, cfg = current_user.id, _today(), current_app.config
    _count_attempt(patient_id, cfg)
    try:
        clean = clean_photo(form.photo.data.stream, cfg["PHOTO_MAX_PIXELS"])
    except PhotoRefused as refusal:
        form.photo.errors.append(refusal.message)
        return _page(form), 422
    view = form.view.data
    problem = upload_problem(
        *upload_counts(patient_id, view, today),
        len(clean.content) + len(clean.thumbnail),
        cfg["PHOTOS_PER_VIEW_PER_DAY"],
        cfg["PHOTO_STORAGE_PER_PATIENT"],
    )
    if problem:
        form.photo.errors.append(problem)
        return _page(form), 422
    add_photo(patient_id, view, today, clean)
    db.session.commit()
    flash(
        f"{VIEW_LABELS[view]} photo saved. It is private: only you can see it until you share it.", "success"
    )
    return redirect(url_for("photos.photos", _anchor=f"view-{view}"))


def _count_attempt(patient_id: int, cfg) -> None:
    """Every upload counts, kept or refused (each costs a decode); 429 past the limit."""
    keys = [(str(patient_id), cfg["PHOTO_UPLOADS_PER_WINDOW"])]
    _attempt, wait = throttle.attempt(UPLOAD_SCOPE, keys, cfg["PHOTO_UPLOAD_WINDOW"])
    if wait:
        throttle.refuse(wait, TOO_MANY.format(minutes=max(1, wait // 60)))


@bp.get("/photos/<int:photo_id>.jpg")
@patient_required
def image(photo_id: int):
    return private_image(
        photo_bytes(current_user.id, photo_id, thumbnail=False, shared_only=False), "image/jpeg"
    )


@bp.get("/photos/<int:photo_id>/thumb.jpg")
@patient_required
def thumbnail(photo_id: int):
    return private_image(
        photo_bytes(current_user.id, photo_id, thumbnail=True, shared_only=False), "image/jpeg"
    )


@bp.post("/photos/<int:photo_id>/share")
@patient_required
def share(photo_id: int):
    """Share one photo with the clinic, or make it private again (the clinician loses it at once)."""
    form = ShareForm()
    valid = form.validate_on_submit()
    if photo_of(current_user.id, photo_id) is None:
        abort(404)
    if not valid:
        abort(400)
    shared = form.shared.data == "1"
    set_shared(current_user.id, shared, photo_id)
    db.session.commit()
    flash(
        "Photo shared with your clinic." if shared else "Photo made private: only you can see it.", "success"
    )
    return redirect(url_for("photos.photos", _anchor=f"photo-{photo_id}"))


@bp.post("/photos/share-all")
@patient_required
def share_all():
    form = ShareForm()
    if not form.validate_on_submit():
        abort(400)
    shared = form.shared.data == "1"
    count = set_shared(current_user.id, shared)
    db.session.commit()
    what = f"{count} photo{'s' if count != 1 else ''}"
    flash(f"{what} shared with your clinic." if shared else f"{what} made private.", "success")
    return redirect(url_for("photos.photos"))


@bp.post("/photos/<int:photo_id>/delete")
@patient_required
def delete(photo_id: int):
    if not delete_photo(current_user.id, photo_id):
        abort(404)
    db.session.commit()
    flash("Photo deleted.", "success")
    return redirect(url_for("photos.photos"))
