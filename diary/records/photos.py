"""A patient's skin photos in the database: their facts, their bytes, and the changes the patient makes.

Every query names the patient (the caller's scoped id: a patient their own, a clinician one whose share they
just checked); a clinician's reads also require the photo to be shared. Bytes are read one photo at a time,
only where they are sent.
"""

from collections.abc import Iterator
from datetime import date

from sqlalchemy import delete, func, select, update

from diary.clinical.photos import PhotoRecord, ViewComparison, compare_views, photos_due
from diary.extensions import db
from diary.imaging import CleanPhoto
from diary.models import Photo

FACTS = (
    Photo.id,
    Photo.view,
    Photo.taken_on,
    Photo.shared,
    Photo.width,
    Photo.height,
    Photo.thumb_width,
    Photo.thumb_height,
)


def _records(stmt) -> list[PhotoRecord]:
    return [PhotoRecord(*row) for row in db.session.execute(stmt)]


def photos_of(patient_id: int) -> list[PhotoRecord]:
    """Every photo of the patient, newest first."""
    stmt = select(*FACTS).where(Photo.patient_id == patient_id)
    return _records(stmt.order_by(Photo.taken_on.desc(), Photo.id.desc()))


def photo_of(patient_id: int, photo_id: int) -> PhotoRecord | None:
    """One of the patient's photos (None for another patient's, or a made-up id)."""
    found = _records(select(*FACTS).where(Photo.patient_id == patient_id, Photo.id == photo_id))
    return found[0] if found else None


def shared_comparison(patient_id: int, course_start: date | None) -> list[ViewComparison]:
    """First beside latest of each view, among the photos the patient shares (diary.clinical.photos)."""
    stmt = select(*FACTS).where(Photo.patient_id == patient_id, Photo.shared.is_(True))
    return compare_views(_records(stmt), course_start)


def photos_due_for(patient_id: int, today: date) -> bool:
    """Whether today is a photo day for the patient (the /today panel's link)."""
    last = db.session.scalar(select(func.max(Photo.taken_on)).where(Photo.patient_id == patient_id))
    return photos_due(last, today)


def photo_bytes(patient_id: int, photo_id: int, *, thumbnail: bool, shared_only: bool) -> bytes | None:
    """The JPEG of one of the patient's photos (or its thumbnail); None if the patient has no such photo, or
    it is private and `shared_only`."""
    column = Photo.thumbnail if thumbnail else Photo.content
    stmt = select(column).where(Photo.patient_id == patient_id, Photo.id == photo_id)
    if shared_only:
        stmt = stmt.where(Photo.shared.is_(True))
    return db.session.scalar(stmt)


def contents(patient_id: int, photo_ids: list[int]) -> dict[int, bytes]:
    """The full-size JPEGs of a few of the patient's photos (the visit report's first and latest)."""
    if not photo_ids:
        return {}
    stmt = select(Photo.id, Photo.content).where(Photo.patient_id == patient_id, Photo.id.in_(photo_ids))
    return dict(db.session.execute(stmt).tuples().all())


def upload_counts(patient_id: int, view: str, day: date) -> tuple[int, int]:
    """(photos of `view` taken on `day`, bytes the patient's photos take): what the upload limits read."""
    of_view = db.session.scalar(
        select(func.count()).where(Photo.patient_id == patient_id, Photo.view == view, Photo.taken_on == day)
    )
    stored = db.session.scalar(select(func.sum(Photo.byte_size)).where(Photo.patient_id == patient_id))
    return of_view or 0, stored or 0


def add_photo(patient_id: int, view: str, day: date, photo: CleanPhoto) -> Photo:
    """Store a cleaned photo, private (the caller commits)."""
    row = Photo(
        patient_id=patient_id,
        view=view,
        taken_on=day,
        shared=False,
        width=photo.width,
        height=photo.height,
        thumb_width=photo.thumb_width,
        thumb_height=photo.thumb_height,
        byte_size=len(photo.content) + len(photo.thumbnail),
        content=photo.content,
        thumbnail=photo.thumbnail,
    )
    db.session.add(row)
    return row


def set_shared(patient_id: int, shared: bool, photo_id: int | None = None) -> int:
    """Share one of the patient's photos (or, with no id, all of them), or make it private: the number of
    photos that exist for this (0: no such photo). The caller commits."""
    stmt = update(Photo).where(Photo.patient_id == patient_id)
    if photo_id is not None:
        stmt = stmt.where(Photo.id == photo_id)
    result = db.session.execute(stmt.values(shared=shared).execution_options(synchronize_session=False))
    return result.rowcount


def delete_photo(patient_id: int, photo_id: int) -> bool:
    """Delete one of the patient's photos; False if there is no such photo. The caller commits."""
    stmt = delete(Photo).where(Photo.patient_id == patient_id, Photo.id == photo_id)
    return db.session.execute(stmt.execution_options(synchronize_session=False)).rowcount > 0


def photo_files(patient_id: int) -> Iterator[tuple[PhotoRecord, bytes]]:
    """Every photo of the patient with its full-size JPEG, oldest first, a few rows at a time (the export)."""
    stmt = (
        select(*FACTS, Photo.content)
        .where(Photo.patient_id == patient_id)
        .order_by(Photo.taken_on, Photo.id)
        .execution_options(yield_per=4)
    )
    for *facts, content in db.session.execute(stmt):
        yield PhotoRecord(*facts), content


def file_name(photo: PhotoRecord) -> str:
    """The photo's name in the export: its day, view and id (unique, and sorts by day)."""
    return f"photos/{photo.taken_on.isoformat()}-{photo.view}-{photo.id}.jpg"
