"""The photo rules without a database: photo days, course weeks, first beside latest, the upload limits."""

from datetime import date

from diary.clinical.photos import PhotoRecord, compare_views, course_week, photos_due, upload_problem

MB = 1024 * 1024


def record(id_: int, view: str, day: date) -> PhotoRecord:
    return PhotoRecord(id_, view, day, True, 1200, 1600, 240, 320)


def test_photos_are_due_first_and_then_every_four_weeks():
    today = date(2026, 3, 1)
    assert photos_due(None, today)
    assert not photos_due(date(2026, 2, 2), today)  # 27 days ago
    assert photos_due(date(2026, 2, 1), today)  # 28 days ago


def test_course_week_one_is_the_first_seven_days_and_none_before_the_course():
    start = date(2026, 1, 1)
    assert course_week(start, start) == 1
    assert course_week(start, date(2026, 1, 7)) == 1
    assert course_week(start, date(2026, 1, 8)) == 2
    assert course_week(start, date(2025, 12, 31)) is None
    assert course_week(None, start) is None


def test_each_view_compares_its_first_with_its_latest_and_keeps_the_rest_in_between():
    photos = [
        record(5, "front", date(2026, 3, 1)),
        record(1, "front", date(2026, 1, 1)),
        record(3, "front", date(2026, 2, 1)),
        record(4, "front", date(2026, 2, 1)),
        record(2, "right", date(2026, 1, 2)),
    ]
    front, right = compare_views(photos, date(2026, 1, 1))
    assert (front.view, front.first.id, front.latest.id) == ("front", 1, 5)
    assert [p.id for p in front.between] == [3, 4]
    assert front.weeks == {1: 1, 3: 5, 4: 5, 5: 9}
    assert right.single and right.first is right.latest and not right.between
    assert [c.view for c in compare_views(photos, None)] == ["front", "right"]  # no left photos: no left


def test_a_fourth_photo_of_a_view_in_a_day_and_a_full_store_are_refused_with_a_reason():
    assert upload_problem(2, 10 * MB, MB, 3, 100 * MB) is None
    assert "3 photos of this view today" in upload_problem(3, 0, MB, 3, 100 * MB)
    assert "filled the 100 MB" in upload_problem(0, 99 * MB + 1, MB, 3, 100 * MB)
    assert upload_problem(0, 99 * MB, MB, 3, 100 * MB) is None  # exactly at the cap still fits
