"""A day's answers are declared once (diary.clinical.records.DayRecord): the Entry columns, the daily form,
saving, loading, reopening and the export all go by those names, so a field added in one place only fails
here, loudly."""

from dataclasses import fields

import pytest
from conftest import post, today

from diary.clinical.records import SYMPTOMS, DayRecord
from diary.extensions import db
from diary.log.forms import EntryForm
from diary.models import Entry, User
from diary.models.entry import ENTRY_FIELDS
from diary.records.loading import load_patient_data

# Columns an entry has that are not the patient's answers.
BOOKKEEPING = ("id", "patient_id", "created_at", "updated_at")
# Form fields that are not answers: the day the answers are for, the check-list (one box per symptom), the
# confirmation of an unusual dose, when a copy kept on the phone offline was made, and the CSRF token.
NOT_ANSWERS = ("day", "symptoms", "dose_confirmed", "saved_at", "csrf_token")

# Every answer away from its blank, as a patient types it, and as it is stored.
TYPED = {
    "dose_mg": "42.5",
    "lips": "6",
    "skin": "4",
    "eyes": "3",
    "nosebleed": "y",
    "sun_minutes": "30",
    "sunscreen": "y",
    "covered": "y",
    "sunburn": "mild",
    "mood": "7",
    "skin_severity": "2",
    "new_spots": "3",
    "notes": "  Lips cracked at the corners.  ",
    "symptoms": list(SYMPTOMS),
}
STORED = {
    "dose_mg": 42.5,
    "lips": 6,
    "skin": 4,
    "eyes": 3,
    "nosebleed": True,
    "sun_minutes": 30,
    "sunscreen": True,
    "covered": True,
    "sunburn": "mild",
    "mood": 7,
    "skin_severity": 2,
    "new_spots": 3,
    "notes": "Lips cracked at the corners.",
    **dict.fromkeys(SYMPTOMS, True),
}


def test_the_entry_has_a_column_for_each_field_of_a_day_record_with_the_same_blank():
    columns = {column.name: column for column in Entry.__table__.columns if column.name not in BOOKKEEPING}
    assert list(columns) == [field.name for field in fields(DayRecord)]
    assert tuple(columns)[1:] == ENTRY_FIELDS
    for field in fields(DayRecord)[1:]:
        column = columns[field.name]
        assert (column.default.arg if column.default else None) == field.default, field.name


def test_the_form_asks_every_answer_in_order_and_nothing_else(app):
    with app.test_request_context():
        form = EntryForm(meta={"csrf": False})
    asked = [name for name in form._fields if name not in NOT_ANSWERS]
    assert asked == [name for name in ENTRY_FIELDS if name not in SYMPTOMS]
    assert [choice.value for choice in form.symptoms.choices] == list(SYMPTOMS)
    assert set(SYMPTOMS) <= set(ENTRY_FIELDS)


def test_the_typed_answers_cover_every_field():
    # (so the round trip below fails when a field is added without a value here)
    assert set(STORED) == set(ENTRY_FIELDS)
    assert set(TYPED) == {name for name in ENTRY_FIELDS if name not in SYMPTOMS} | {"symptoms"}


@pytest.mark.parametrize("blank", [False, True])
def test_a_day_saved_through_the_form_is_stored_loaded_shown_and_exported_field_for_field(
    app, patient_client, blank
):
    answers = {"sunburn": "none"} if blank else TYPED
    assert post(patient_client, "/today", {"day": today().isoformat(), **answers}).status_code == 200
    expected = DayRecord(today(), **({} if blank else STORED))
    with app.app_context():
        patient_id = db.session.scalar(db.select(User.id).where(User.email == "pat@example.com"))
        [entry] = db.session.scalars(db.select(Entry))
        assert entry.values() == {name: getattr(expected, name) for name in ENTRY_FIELDS}
        assert load_patient_data(patient_id).entries == (expected,)
    with app.test_request_context():
        form = EntryForm(meta={"csrf": False}, formdata=None)
        form.fill_from(entry.values())
        assert form.entry_values() == {name: getattr(expected, name) for name in ENTRY_FIELDS}
    exported = patient_client.get("/export.json").get_json()["entries"]
    assert [{name: row[name] for name in ENTRY_FIELDS} for row in exported] == [
        {name: getattr(expected, name) for name in ENTRY_FIELDS}
    ]
