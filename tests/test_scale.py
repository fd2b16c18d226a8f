"""What keeps the clinician's pages fast at 10,000 patients (bench/scale.py): the covering index of migration
0002, and a query count that does not grow with the diary."""

from datetime import timedelta

import pytest
from conftest import count_statements, login, today
from sqlalchemy import event, insert, inspect

from diary.extensions import db
from diary.models import Entry


def test_entries_have_the_index_that_covers_the_cumulative_dose_sum(app):
    with app.app_context():
        indexes = {
            index["name"]: index["column_names"] for index in inspect(db.engine).get_indexes("entries")
        }
    assert indexes["ix_entries_patient_id_day_dose_mg"] == ["patient_id", "day", "dose_mg"]


def _log_days(app, patient_id: int, first: int, last: int) -> None:
    with app.app_context():
        rows = [
            {"patient_id": patient_id, "day": today() - timedelta(days=d), "mood": d % 11, "dose_mg": 40.0}
            for d in range(first, last)
        ]
        db.session.execute(insert(Entry), rows)
        db.session.commit()


def test_review_query_count_does_not_grow_with_the_diary(
    app, make_patient, make_clinician, make_course, share
):
    doctor, _code = make_clinician()
    patient = make_patient()
    make_course(patient, today() - timedelta(days=179))
    share(patient, doctor)
    client = app.test_client()
    login(client, "doc@example.com")
    _log_days(app, patient, 0, 5)
    few = count_statements(app, client, f"/clinic/patients/{patient}?window=course")
    _log_days(app, patient, 5, 180)
    many = count_statements(app, client, f"/clinic/patients/{patient}?window=course")
    assert many == few


def _sql_lengths(app, client, url: str) -> list[int]:
    lengths = []
    with app.app_context():
        engine = db.engine

    def measure(_conn, _cursor, statement, *_args):
        lengths.append(len(statement))

    event.listen(engine, "before_cursor_execute", measure)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", measure)
    return lengths


def _share_new_patients(app, clinician_id: int, first: int, last: int) -> None:
    from diary.models import Role, Share, User

    with app.app_context():
        emails = [f"many{n}@example.com" for n in range(first, last)]
        db.session.execute(
            insert(User),
            [{"email": e, "password_hash": "-", "role": Role.PATIENT, "session_token": e} for e in emails],
        )
        ids = db.session.scalars(db.select(User.id).where(User.email.in_(emails))).all()
        db.session.execute(insert(Share), [{"patient_id": p, "clinician_id": clinician_id} for p in ids])
        _log_many(ids)
        db.session.commit()


def _log_many(ids: list[int]) -> None:
    rows = [{"patient_id": p, "day": today() - timedelta(days=d), "mood": 5} for p in ids for d in range(3)]
    db.session.execute(insert(Entry), rows)


def test_patient_list_statements_keep_their_size_on_postgresql(app, make_clinician):
    # A parameter per patient (IN lists, a CASE per patient) made the statements of a 500-patient list long
    # enough that building and converting them was a quarter of the page's CPU: PostgreSQL takes arrays.
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # The SQLite run is not wanted (it binds an IN list), and says so rather than passing empty; the
        # PostgreSQL run is the test, and CI always has it (conftest fails the run without TEST_DATABASE_URL).
        pytest.skip("array parameters are PostgreSQL's: SQLite binds a parameter per patient")
    doctor, _code = make_clinician()
    client = app.test_client()
    login(client, "doc@example.com")
    _share_new_patients(app, doctor, 0, 3)
    few = _sql_lengths(app, client, "/clinic/")
    _share_new_patients(app, doctor, 3, 60)
    many = _sql_lengths(app, client, "/clinic/")
    assert len(many) == len(few)
    assert max(b - a for a, b in zip(few, many, strict=True)) <= 20  # ids' digits in session queries at most
