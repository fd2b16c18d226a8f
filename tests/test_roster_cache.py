"""The patient list's stored rows: exact, reused while nothing changed, recomputed for exactly the patient
whose data changed, and for everyone when the day moves."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from conftest import PASSWORD, count_statements, login, post, today
from test_clinic import _seed_patients
from test_diary import save

from diary.clinic import roster_cache
from diary.clinic.roster import roster
from diary.clinical.flags import RULE_LEVELS
from diary.clinical.safety import daily_safety_responses, flagged
from diary.events import record_event
from diary.extensions import db
from diary.models import Appointment, Checkin, Entry, FlagAck, PregnancyTest, RosterSummary, User

CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+')


def ago(days: int):
    return today() - timedelta(days=days)


def noon(day):
    """Midday UTC of `day`: the test patients keep UTC, so it is `day` on their calendar."""
    return datetime.combine(day, time(12), UTC)


def todays(patients, day) -> dict:
    return {patient.id: day for patient in patients}


@pytest.fixture
def computed_during(monkeypatch):
    """computed_during(action): how many patients' rows `action` computed (rather than read from
    roster_summaries)."""
    computed = []
    compute = roster_cache.roster

    def counted(patients, todays):
        rows = compute(patients, todays)
        computed.extend(rows)
        return rows

    monkeypatch.setattr(roster_cache, "roster", counted)

    def during(action) -> int:
        before = len(computed)
        action()
        return len(computed) - before

    return during


def summaries(app) -> dict[int, tuple]:
    with app.app_context():
        rows = db.session.execute(
            db.select(RosterSummary.patient_id, RosterSummary.data_version, RosterSummary.row)
        )
        return {patient_id: (version, row) for patient_id, version, row in rows}


@pytest.fixture
def every_flag(app, make_patient, make_course):
    """Three patients whose diaries raise every rule of the triage table between them (one acknowledged)."""
    ann, bea, cat = (make_patient(f"{name}@example.com") for name in ("ann", "bea", "cat"))
    for patient in (ann, bea):
        make_course(patient, ago(60), 60, 40, can_get_pregnant=patient != bea)
    # Cat's course was planned to end 5 days ago: she logged 40 mg after it, then 1 mg (far from 40).
    ended = {"end_date": ago(5), "contraception_primary": "iud", "contraception_secondary": "male_condom"}
    make_course(cat, ago(60), 60, 40, can_get_pregnant=True, **ended)
    mood = dict.fromkeys(range(8, 15), 8) | dict.fromkeys(range(1, 8), 3)
    odd = {
        0: {"headache": True},
        1: {"self_harm_thoughts": True},
        2: {"headache": True, "vision": True, "nausea_vomiting": True},
        3: {"abdominal_pain": True, "lips": 9},
        7: {
            "vision": True,
            "nausea_vomiting": True,
            "jaundice": True,
            "bowel": True,
            "rash": True,
            "hearing": True,
        },
        4: {"sunburn": "severe", "lips": 9},
        5: {"lips": 9},
        6: {"dose_mg": 0},
        8: {"dose_mg": 0},
        9: {"dose_mg": 0},
    }
    with app.app_context():
        for d in range(0, 15):
            db.session.add(
                Entry(
                    patient_id=ann, day=ago(d), **({"dose_mg": 40, "mood": mood.get(d, 6)} | odd.get(d, {}))
                )
            )
        # Lips at 0 on 21 logged days, then nothing for 40 days.
        db.session.add_all(Entry(patient_id=bea, day=ago(d), dose_mg=40, lips=0) for d in range(40, 61))
        db.session.add_all(
            Entry(patient_id=cat, day=ago(d), dose_mg=1 if d == 3 else 40) for d in range(3, 10)
        )
        db.session.add(Checkin(patient_id=ann, day=ago(2), **{f"q{n}": 2 for n in range(1, 10)}))
        db.session.add_all(
            [
                Appointment(patient_id=ann, day=ago(10), triglycerides=900, alt=200, ast=200),
                Appointment(patient_id=ann, day=ago(10), triglycerides=600),
                PregnancyTest(patient_id=ann, day=ago(1), result="positive"),
                FlagAck(patient_id=ann, rule="abdominal_pain", day=ago(3)),
            ]
        )
        # The safety events saving these answers writes (log/entries.py, records/course.py, appointments).
        for d, answers in odd.items():
            for rule in flagged(daily_safety_responses(answers)):
                record_event(ann, ago(d), rule.rule, "entry")
        record_event(ann, ago(2), "phq9_item9", "checkin", 2)
        record_event(ann, ago(10), "triglycerides_critical", "appointment", 900.0)
        record_event(ann, ago(1), "pregnancy_positive", "pregnancy_test", "positive")
        record_event(ann, ago(0), "rash", "entry")  # an answer the patient took back: a changed flag
        db.session.commit()
    return ann, bea, cat


def test_rows_read_back_from_summaries_equal_rows_computed_fresh(app, every_flag, computed_during):
    with app.app_context():
        patients = db.select(User).where(User.id.in_(every_flag)).order_by(User.id)
        fresh = roster(listed := list(db.session.scalars(patients)), todays(listed, today()))
        assert {flag.rule for row in fresh for flag in row.flags} == set(RULE_LEVELS) - {"abdominal_pain"}
        assert [f.changed_on for row in fresh for f in row.flags if f.changed_on] == [today()]
        assert computed_during(lambda: roster_cache.cached_roster(patients, noon(today()))) == 3
        db.session.commit()
        stored = []
        assert (
            computed_during(lambda: stored.extend(roster_cache.cached_roster(patients, noon(today())))) == 0
        )
        assert stored == fresh
        for read, computed in zip(stored, fresh, strict=True):
            for flag, expected in zip(read.flags, computed.flags, strict=True):
                assert type(flag.value) is type(expected.value)


def test_a_row_stored_by_other_code_is_recomputed(app, every_flag, computed_during):
    with app.app_context():
        patients = db.select(User).where(User.id.in_(every_flag))
        roster_cache.cached_roster(patients, noon(today()))
        db.session.commit()
        stored = db.session.get(RosterSummary, every_flag[0])
        stored.row = stored.row.replace(roster_cache.APP_VERSION, "an older version")
        db.session.commit()
        assert computed_during(lambda: roster_cache.cached_roster(patients, noon(today()))) == 1


def test_new_code_recomputes_every_row(app, every_flag, computed_during, monkeypatch):
    with app.app_context():
        patients = db.select(User).where(User.id.in_(every_flag))
        roster_cache.cached_roster(patients, noon(today()))
        db.session.commit()
        monkeypatch.setattr(roster_cache, "APP_VERSION", "the next deploy")
        assert computed_during(lambda: roster_cache.cached_roster(patients, noon(today()))) == 3
        db.session.commit()
        assert computed_during(lambda: roster_cache.cached_roster(patients, noon(today()))) == 0


@pytest.fixture
def two_patients(app, make_patient, make_clinician, share, make_course):
    """Dr. Test's list of Ann (a course she can get pregnant on) and Bob; a signed-in client for each."""
    ann, bob = make_patient("ann@example.com"), make_patient("bob@example.com")
    doctor, _code = make_clinician()
    make_course(ann, ago(40), can_get_pregnant=True)
    for patient in (ann, bob):
        share(patient, doctor)
    clients = {}
    for name in ("ann", "bob", "doc"):
        clients[name] = app.test_client()
        assert login(clients[name], f"{name}@example.com").status_code == 302
    return ann, bob, clients


def _patient_list(client) -> str:
    """The list page, its CSRF tokens blanked: they carry the second they were signed in, not the rows."""
    response = client.get("/clinic/")
    assert response.status_code == 200
    return CSRF_VALUE.sub(r"\1", response.get_data(as_text=True))


def _row_of(html: str, patient_id: int) -> str:
    start = html.index(f'href="/clinic/patients/{patient_id}"')
    return html[start : html.index("</tr>", start)]


CHANGES = {
    "entry saved": lambda c, ann: save(c["ann"], mood="6"),
    "check-in": lambda c, ann: post(c["ann"], "/checkin", {f"q{n}": "2" for n in range(1, 10)}),
    # Shared, the course is the clinic's: the clinician changes it.
    "course changed": lambda c, ann: post(
        c["doc"],
        f"/clinic/patients/{ann}/course",
        {
            "start_date": ago(40).isoformat(),
            "weight_kg": "60",
            "daily_dose_mg": "60",
            "target_mg_per_kg": "150",
            "end_date": "",
            "effective_on": ago(1).isoformat(),
        },
    ),
    "pregnancy test": lambda c, ann: post(
        c["ann"], "/course/pregnancy-tests", {"test_day": ago(1).isoformat(), "result": "negative"}
    ),
    "appointment": lambda c, ann: post(
        c["doc"],
        f"/clinic/patients/{ann}/appointments/new",
        {"day": ago(5).isoformat(), "triglycerides": "550"},
    ),
    "acknowledgement": lambda c, ann: post(
        c["doc"],
        f"/clinic/patients/{ann}/flags/acknowledge",
        {"rule": "pregnancy_test_overdue", "day": (ago(40) + timedelta(days=31)).isoformat()},
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_each_kind_of_change_recomputes_that_patients_row_and_only_theirs(
    app, two_patients, change, computed_during
):
    ann, bob, clients = two_patients
    assert computed_during(lambda: _patient_list(clients["doc"])) == 2
    before_html, before = _patient_list(clients["doc"]), summaries(app)
    assert computed_during(lambda: _patient_list(clients["doc"])) == 0  # warm: nothing computed

    assert CHANGES[change](clients, ann).status_code in (200, 302)

    html = []
    assert computed_during(lambda: html.append(_patient_list(clients["doc"]))) == 1
    after = summaries(app)
    assert after[ann] != before[ann]
    assert after[bob] == before[bob]
    assert _row_of(html[0], ann) != _row_of(before_html, ann)  # what the doctor sees of Ann changed
    assert _row_of(html[0], bob) == _row_of(before_html, bob)


def test_a_deleted_account_leaves_the_list_without_recomputing_anyone(app, two_patients, computed_during):
    ann, bob, clients = two_patients
    _patient_list(clients["doc"])
    assert post(clients["ann"], "/account/delete", {"delete-password": PASSWORD}).status_code == 302
    html = []
    assert computed_during(lambda: html.append(_patient_list(clients["doc"]))) == 0
    assert f"/clinic/patients/{ann}" not in html[0] and f"/clinic/patients/{bob}" in html[0]
    assert set(summaries(app)) == {bob}


def test_a_new_day_recomputes_every_row(app, two_patients, computed_during):
    ann, bob, clients = two_patients
    _patient_list(clients["doc"])
    with app.app_context():
        patients = db.select(User).where(User.id.in_([ann, bob]))
        tomorrow = today() + timedelta(days=1)
        rows = []
        assert computed_during(lambda: rows.extend(roster_cache.cached_roster(patients, noon(tomorrow)))) == 2
        db.session.commit()
        listed = list(db.session.scalars(patients))
        assert rows == roster(listed, todays(listed, tomorrow))


def test_clinicians_on_different_days_see_the_same_row_on_the_patients_calendar(
    app, two_patients, make_clinician, share, computed_during
):
    ann, _bob, clients = two_patients
    # Twenty-five hours apart: their todays are never the same date.
    far_east, _ = make_clinician("east@example.com")
    with app.app_context():
        db.session.get(User, far_east).timezone = "Pacific/Kiritimati"
        db.session.commit()
    share(ann, far_east)
    east = app.test_client()
    login(east, "east@example.com")
    with app.app_context():
        db.session.scalar(
            db.select(User).where(User.email == "doc@example.com")
        ).timezone = "Pacific/Pago_Pago"
        db.session.commit()
    west_first = _patient_list(clients["doc"])
    east_first = []
    # The row is counted on the patient's calendar (UTC), whoever looks: the east reads the west's stored row.
    assert computed_during(lambda: east_first.append(_patient_list(east))) == 0
    assert _row_of(west_first, ann) == _row_of(east_first[0], ann)
    assert _patient_list(clients["doc"]) == west_first


def test_a_warm_list_runs_the_same_statements_for_3_and_30_patients(app, make_clinician, computed_during):
    doctor, _code = make_clinician()
    client = app.test_client()
    login(client, "doc@example.com")
    _seed_patients(app, doctor, 3)
    _patient_list(client)
    few = []
    assert computed_during(lambda: few.append(count_statements(app, client, "/clinic/"))) == 0
    with app.app_context():
        db.session.execute(db.delete(User).where(User.email.like("p%@example.com")))
        db.session.commit()
    _seed_patients(app, doctor, 30)
    _patient_list(client)
    many = []
    assert computed_during(lambda: many.append(count_statements(app, client, "/clinic/"))) == 0
    assert many == few


def test_a_row_for_an_account_deleted_meanwhile_is_not_kept_and_the_list_still_answers(app):
    """Storing happens after the page's rows were computed: the patient may be gone by then (a foreign key
    refuses the row). The list must still answer; nothing is kept."""
    from diary.clinic.roster import RosterRow

    gone = User(id=987_654, email="gone@example.com", data_version=3)
    with app.test_request_context("/clinic/"):
        row = RosterRow(patient=gone, since=today(), days_elapsed=1, days_logged=0)
        roster_cache._store([row], {gone.id: today()})
    assert summaries(app) == {}
