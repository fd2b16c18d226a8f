"""Skin photos as the diary's rules see them: the three views and how to take them, when photos are due,
the course week a photo belongs to, first beside latest for each view, and the limits an upload meets.

No Flask, no database: the records come from diary/records/photos.py.
"""

from dataclasses import dataclass
from datetime import date, timedelta

# The standard views, in the order they are asked for and shown.
VIEWS = ("front", "left", "right")
VIEW_LABELS = {"front": "Front", "left": "Left side", "right": "Right side"}
VIEW_HINTS = {
    "front": "Face the camera straight on, chin level, eyes open.",
    "left": "Turn your head so your left cheek faces the camera, nose pointing to the side.",
    "right": "Turn your head so your right cheek faces the camera, nose pointing to the side.",
}
# What makes one photo comparable with the next: a dermatologist judges change, not lighting.
GUIDANCE = (
    "Same place and same light each time: facing a window in daylight works well. No flash.",
    "No filter, beauty mode or makeup.",
    "Hair back and glasses off, at arm's length, so your whole face fits.",
)
# CLINIC: a new set every four weeks, in time for the monthly visit (a clinic's choice, not a guideline's).
PHOTO_INTERVAL_DAYS = 28


@dataclass(frozen=True)
class PhotoRecord:
    """A stored photo's facts (never its bytes)."""

    id: int
    view: str
    taken_on: date
    shared: bool
    width: int
    height: int
    thumb_width: int
    thumb_height: int


@dataclass(frozen=True, eq=False)
class ViewComparison:
    """One view's photos for the clinician: the first and the latest, and those in between (oldest first).
    `first` is `latest` when there is only one."""

    view: str
    first: PhotoRecord
    latest: PhotoRecord
    between: tuple[PhotoRecord, ...]
    weeks: dict[int, int | None]  # photo id → its course week (None: before or without a course)

    @property
    def label(self) -> str:
        return VIEW_LABELS[self.view]

    @property
    def single(self) -> bool:
        return self.first.id == self.latest.id


def photos_due(last_taken: date | None, today: date) -> bool:
    """A photo day: no photo yet, or the last one at least PHOTO_INTERVAL_DAYS ago."""
    return last_taken is None or today - last_taken >= timedelta(days=PHOTO_INTERVAL_DAYS)


def course_week(course_start: date | None, day: date) -> int | None:
    """The course week `day` falls in (week 1 is the first seven days), or None before or without a course."""
    if course_start is None or day < course_start:
        return None
    return (day - course_start).days // 7 + 1


def compare_views(photos: list[PhotoRecord], course_start: date | None) -> list[ViewComparison]:
    """First beside latest for each view that has photos, in VIEWS order; `photos` in any order."""
    comparisons = []
    for view in VIEWS:
        ordered = sorted((p for p in photos if p.view == view), key=lambda p: (p.taken_on, p.id))
        if ordered:
            weeks = {p.id: course_week(course_start, p.taken_on) for p in ordered}
            comparisons.append(ViewComparison(view, ordered[0], ordered[-1], tuple(ordered[1:-1]), weeks))
    return comparisons


def upload_problem(
    taken_today_of_view: int, stored_bytes: int, new_bytes: int, per_view_per_day: int, storage_cap: int
) -> str | None:
    """Why a new photo cannot be kept, in words for the patient, or None."""
    if taken_today_of_view >= per_view_per_day:
        return (
            f"You have saved {per_view_per_day} photos of this view today, the most for one day. "
            "Delete one below to take it again."
        )
    if stored_bytes + new_bytes > storage_cap:
        megabytes = storage_cap // (1024 * 1024)
        return (
            f"Your photos have filled the {megabytes} MB the diary keeps for them. "
            "Delete some older photos below (download them first from Account if you want to keep them)."
        )
    return None
