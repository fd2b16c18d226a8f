"""The chart cache on a real database (SQLite and PostgreSQL): hits, misses, what makes a chart stale (the
patient's data_version and the application's version, nothing else), pruning and concurrent renders."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from diary.charts import ChartData
from diary.extensions import db
from diary.models import Appointment, ChartImage, Checkin, Course, CourseRevision, Entry, User
from diary.records import chart_cache
from diary.records.chart_cache import chart_png

START = date(2025, 3, 1)
WINDOW = (START, date(2025, 3, 30))


def add_entries(app, patient_id: int, days: range, **fields) -> None:
    with app.app_context():
        for n in days:
            db.session.add(
                Entry(patient_id=patient_id, day=START + timedelta(days=n), lips=3, mood=6, **fields)
            )
        db.session.commit()


def chart_data(patient_id: int, window=WINDOW) -> ChartData:
    entries = db.session.scalars(select(Entry).where(Entry.patient_id == patient_id).order_by(Entry.day))
    return ChartData(window[0], window[1], list(entries))


def data_version(patient_id: int) -> int:
    return db.session.scalar(select(User.data_version).where(User.id == patient_id))


def fetch(app, patient_id: int, name: str = "dryness", window=WINDOW, build=None) -> bytes:
    """One chart request: its own GET request context and session, as a browser's image request would be."""
    with app.test_request_context():
        version = data_version(patient_id)
        return chart_png(patient_id, name, window, version, build or (lambda: chart_data(patient_id, window)))


def stored(app, patient_id: int | None = None) -> int:
    with app.app_context():
        query = select(func.count()).select_from(ChartImage)
        if patient_id is not None:
            query = query.where(ChartImage.patient_id == patient_id)
        return db.session.scalar(query)


def test_a_second_request_renders_nothing(app, make_patient, renders):
    patient = make_patient()
    add_entries(app, patient, range(10))
    first = fetch(app, patient)
    assert renders() == 1
    builds = []
    second = fetch(app, patient, build=lambda: builds.append(1))
    assert second == first
    assert renders() == 1 and builds == []
    assert stored(app, patient) == 1


def test_a_new_entry_draws_a_new_chart(app, make_patient, renders):
    patient = make_patient()
    add_entries(app, patient, range(10))
    before = fetch(app, patient)
    add_entries(app, patient, range(10, 11))
    after = fetch(app, patient)
    assert after != before
    assert renders() == 2


def test_changing_a_saved_day_in_place_draws_the_chart_again(app, make_patient, renders):
    patient = make_patient()
    add_entries(app, patient, range(3))
    before = fetch(app, patient)
    with app.app_context():
        entry = db.session.scalars(select(Entry).where(Entry.patient_id == patient, Entry.day == START)).one()
        entry.lips = 9  # an UPDATE: no new row, no new id, the same created_at
        db.session.commit()
    assert fetch(app, patient) != before
    assert renders() == 2


def _checkin(patient: int) -> None:
    db.session.add(Checkin(patient_id=patient, day=START, **{f"q{n}": 1 for n in range(1, 10)}))


def _checkin_answered_again(patient: int) -> None:
    """The same day's check-in redone: its row is updated in place."""
    checkin = db.session.scalars(select(Checkin).where(Checkin.patient_id == patient)).one()
    checkin.q1 = 3


def _appointment(patient: int) -> None:
    db.session.add(Appointment(patient_id=patient, day=START, triglycerides=180))


def _dose_change(patient: int) -> None:
    course = db.session.scalar(select(Course).where(Course.patient_id == patient))
    db.session.add(
        CourseRevision(
            course_id=course.id, effective_on=START, weight_kg=60, daily_dose_mg=60, target_mg_per_kg=135
        )
    )


def _course_edited(patient: int) -> None:
    db.session.scalar(select(Course).where(Course.patient_id == patient)).target_mg_per_kg = 150


def _deleted_entry(patient: int) -> None:
    db.session.delete(db.session.scalars(select(Entry).where(Entry.patient_id == patient)).first())


@pytest.mark.parametrize(
    "change", [_checkin, _checkin_answered_again, _appointment, _dose_change, _course_edited, _deleted_entry]
)
def test_every_change_to_what_the_charts_read_draws_them_again(
    app, make_patient, make_course, renders, change
):
    patient = make_patient()
    make_course(patient, START - timedelta(days=30))
    add_entries(app, patient, range(3))
    with app.app_context():
        db.session.add(
            Checkin(patient_id=patient, day=START + timedelta(days=1), **{f"q{n}": 0 for n in range(1, 10)})
        )
        db.session.commit()
    fetch(app, patient, "mood")
    with app.app_context():
        change(patient)
        db.session.commit()
    fetch(app, patient, "mood")
    assert renders() == 2


def test_another_patients_data_leaves_the_chart_alone(app, make_patient, renders):
    patient, other = make_patient(), make_patient("other@example.com")
    add_entries(app, patient, range(3))
    fetch(app, patient)
    add_entries(app, other, range(5))
    fetch(app, patient)
    assert renders() == 1


def test_patients_with_the_same_data_version_never_share_a_chart(app, make_patient):
    patient, other = make_patient(), make_patient("other@example.com")
    add_entries(app, patient, range(3))
    add_entries(app, other, range(3))
    with app.app_context():
        assert data_version(patient) == data_version(other)  # same version …
    fetch(app, patient)
    fetch(app, other)
    assert stored(app, patient) == 1 and stored(app, other) == 1  # … yet separate charts


def test_new_code_draws_anew_and_prunes_the_old_codes_charts(app, make_patient, renders, monkeypatch):
    patient = make_patient()
    add_entries(app, patient, range(3))
    fetch(app, patient, "dryness")
    fetch(app, patient, "mood")
    monkeypatch.setattr(chart_cache, "APP_VERSION", "the next deploy")
    fetch(app, patient, "dryness")
    assert renders() == 3
    assert stored(app, patient) == 1


def test_each_chart_and_window_is_cached_on_its_own(app, make_patient, renders):
    patient = make_patient()
    add_entries(app, patient, range(10))
    fetch(app, patient, "dryness")
    fetch(app, patient, "mood")
    fetch(
        app, patient, "dryness", window=(START + timedelta(days=23), WINDOW[1])
    )  # another window ending the same day
    assert renders() == 3 and stored(app, patient) == 3
    fetch(app, patient, "mood")
    assert renders() == 3


def test_charts_from_older_data_are_pruned(app, make_patient):
    patient, other = make_patient(), make_patient("other@example.com")
    add_entries(app, patient, range(3))
    add_entries(app, other, range(3))
    fetch(app, patient, "dryness")
    fetch(app, patient, "mood")
    fetch(app, other, "dryness")
    add_entries(app, patient, range(3, 4))
    fetch(app, patient, "dryness")
    assert stored(app, patient) == 1  # the two charts of the older data are gone
    assert stored(app, other) == 1  # another patient's are not touched


def test_the_next_days_charts_prune_the_days_before(app, make_patient):
    """Nothing changed, but a named window ends today: yesterday's charts are never asked for again."""
    patient = make_patient()
    add_entries(app, patient, range(3))
    fetch(app, patient, "dryness", window=(START, START + timedelta(days=29)))
    fetch(app, patient, "mood", window=(START, START + timedelta(days=29)))
    fetch(app, patient, "dryness", window=(START + timedelta(days=1), START + timedelta(days=30)))
    assert stored(app, patient) == 1


def test_concurrent_renders_of_the_same_chart_store_one_row(app, make_patient, renders):
    """Two processes missing at once both draw, both insert the same key: the second insert is ignored."""
    patient = make_patient()
    add_entries(app, patient, range(10))
    both_missed = threading.Barrier(2, timeout=30)
    results, errors = [], []

    def build():
        both_missed.wait()  # neither inserts before both have looked and missed
        return chart_data(patient)

    def request():
        try:
            results.append(fetch(app, patient, build=build))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert renders() == 2 and len(results) == 2 and results[0] == results[1]
    assert stored(app, patient) == 1
    assert fetch(app, patient) == results[0] and renders() == 2


def test_storing_a_key_that_is_already_there_is_harmless(app, make_patient):
    patient = make_patient()
    with app.test_request_context():
        key = chart_cache.chart_key(patient, "dryness", WINDOW, data_version(patient))
        chart_cache._store(patient, key, b"first")
        chart_cache._store(patient, key, b"second")
    with app.app_context():
        assert db.session.scalars(select(ChartImage.content)).all() == [b"first"]


def test_outside_a_request_the_chart_is_stored_with_the_callers_session(app, make_patient):
    """A CLI or script: on SQLite the session holds the write lock, so a second connection must not wait."""
    patient = make_patient()
    add_entries(app, patient, range(3))
    with app.app_context():
        chart_png(patient, "dryness", WINDOW, data_version(patient), lambda: chart_data(patient))
        db.session.commit()
    assert stored(app, patient) == 1


def test_an_unknown_chart_name_raises_key_error_and_stores_nothing(app, make_patient, renders):
    patient = make_patient()
    with pytest.raises(KeyError):
        fetch(app, patient, "weather")
    assert renders() == 0 and stored(app) == 0


def test_a_chart_for_an_account_deleted_meanwhile_is_sent_but_not_kept(app):
    with app.test_request_context("/clinic/patients/987654/charts/mood.png"):
        chart_cache._store(987_654, "0123456789abcdef.digest", b"\x89PNG")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChartImage)) == 0
