"""Charts on the review and on /progress, served from the cache; the one-page visit report."""

import re
import shutil
import subprocess
import threading
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import login, post, today
from sqlalchemy import event, func, select

from diary.charts import render
from diary.extensions import db
from diary.models import AuditEvent, ChartImage, Entry, Throttle
from diary.records.charts import chart_data
from diary.records.loading import load_patient_data

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def world(app, make_patient, make_clinician, share, make_course):
    ann = make_patient("ann@example.com")
    doctor, _code = make_clinician()
    share(ann, doctor)
    make_course(ann, today() - timedelta(days=30), 60, 40)
    with app.app_context():
        for n in range(10):
            db.session.add(
                Entry(patient_id=ann, day=today() - timedelta(days=n), dose_mg=40, lips=n % 10, mood=6)
            )
        db.session.commit()
    clinician = app.test_client()
    login(clinician, "doc@example.com")
    patient = app.test_client()
    login(patient, "ann@example.com")
    return ann, clinician, patient


def chart_urls(html: str) -> list[str]:
    return [url.replace("&amp;", "&") for url in re.findall(r'<img src="([^"]+/charts/[^"]+)"', html)]


def test_review_shows_six_charts_with_alt_text_and_tables(world):
    ann, clinician, _patient = world
    html = clinician.get(f"/clinic/patients/{ann}").get_data(as_text=True)
    urls = chart_urls(html)
    assert len(urls) == 6
    assert len(re.findall(r'<img src="[^"]+/charts/[^"]+" alt="[^"]{20,}"', html)) == 6
    assert html.count("The numbers behind this chart") >= 5


def test_chart_is_a_private_png_and_a_second_fetch_renders_nothing(world, renders):
    ann, clinician, _patient = world
    url = chart_urls(clinician.get(f"/clinic/patients/{ann}").get_data(as_text=True))[0]
    first = clinician.get(url)
    assert first.status_code == 200
    assert first.data.startswith(PNG)
    assert first.headers["Cache-Control"] == "private, no-store"
    second = clinician.get(url)
    assert second.data == first.data
    assert renders() == 1


def mood_chart_url(client, page: str) -> str:
    return next(u for u in chart_urls(client.get(page).get_data(as_text=True)) if "/mood.png" in u)


def window_of(url: str) -> tuple[date, date]:
    query = parse_qs(urlsplit(url).query)
    return date.fromisoformat(query["start"][0]), date.fromisoformat(query["end"][0])


def stored_charts(app, patient_id: int) -> int:
    with app.app_context():
        count = select(func.count()).select_from(ChartImage).where(ChartImage.patient_id == patient_id)
        return db.session.scalar(count)


def test_a_new_entry_redraws_the_chart(app, world, renders):
    ann, clinician, patient = world
    url = mood_chart_url(clinician, f"/clinic/patients/{ann}")
    before = clinician.get(url).data
    yesterday = (today() - timedelta(days=1)).isoformat()
    post(patient, f"/day/{yesterday}", {"day": yesterday, "mood": "1", "sunburn": "none"})
    after = clinician.get(url).data
    assert renders() == 2
    assert after != before


def test_a_check_in_redone_the_same_day_shows_in_the_mood_chart_at_once(app, world):
    """The second check-in of a day updates the first's row in place: the chart must not stay as it was."""
    ann, clinician, patient = world
    url = mood_chart_url(clinician, f"/clinic/patients/{ann}")
    assert post(patient, "/checkin", {f"q{n}": "0" for n in range(1, 10)}).status_code == 200
    first = clinician.get(url).data
    assert post(patient, "/checkin", {f"q{n}": "3" for n in range(1, 10)}).status_code == 200
    second = clinician.get(url).data
    start, end = window_of(url)
    with app.app_context():
        drawn_now = render("mood", chart_data(load_patient_data(ann, end=today()), start, end, today()))
    assert second != first
    assert second == drawn_now
    assert patient.get(mood_chart_url(patient, "/progress")).data != first


def test_charts_are_stored_for_the_named_windows_and_older_ones_pruned(app, world):
    ann, clinician, patient = world
    # Ann's course began 30 days ago and she has had no appointment: "since the last appointment" and "whole
    # course" are the same window; 30 and 90 days are two more.
    for query in ("", "?days=30", "?days=90", "?window=course"):
        assert clinician.get(mood_chart_url(clinician, f"/clinic/patients/{ann}{query}")).status_code == 200
    assert stored_charts(app, ann) == 3
    post(patient, "/checkin", {f"q{n}": "1" for n in range(1, 10)})
    clinician.get(mood_chart_url(clinician, f"/clinic/patients/{ann}"))
    assert stored_charts(app, ann) == 1  # the charts of the data before the check-in are gone


def test_any_other_window_is_drawn_for_the_request_but_not_stored(app, world):
    ann, clinician, _patient = world
    url = mood_chart_url(clinician, f"/clinic/patients/{ann}?days=45")
    assert window_of(url) == (today() - timedelta(days=44), today())
    for _ in range(2):
        response = clinician.get(url)
        assert response.status_code == 200 and response.data.startswith(PNG)
    start, end = today() - timedelta(days=60), today() - timedelta(days=3)
    assert clinician.get(f"/clinic/patients/{ann}/charts/mood.png?start={start}&end={end}").status_code == 200
    assert stored_charts(app, ann) == 0


def test_windows_reaching_back_more_than_two_years_are_not_found(world):
    ann, clinician, _patient = world
    chart = f"/clinic/patients/{ann}/charts/mood.png"
    two_years = today() - timedelta(days=729)  # 730 days, today included
    assert clinician.get(f"{chart}?start={two_years}&end={today()}").status_code == 200
    for start, end in [
        ("0001-01-01", "0001-01-02"),
        ("0001-01-01", today().isoformat()),
        ((two_years - timedelta(days=1)).isoformat(), today().isoformat()),
        ((two_years - timedelta(days=1)).isoformat(), (two_years + timedelta(days=5)).isoformat()),
    ]:
        assert clinician.get(f"{chart}?start={start}&end={end}").status_code == 404, (start, end)


def test_each_clinician_chart_view_is_audited(app, world):
    ann, clinician, _patient = world
    url = chart_urls(clinician.get(f"/clinic/patients/{ann}").get_data(as_text=True))[0]
    clinician.get(url)
    clinician.get(url)
    with app.app_context():
        views = db.session.scalars(
            db.select(AuditEvent.patient_id).where(AuditEvent.action == "chart_view")
        ).all()
    assert views == [ann, ann]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "start=2020-01-01",
        "start=nope&end=2026-01-01",
        "start=2026-02-01&end=2026-01-01",
        "start=2000-01-01&end=",
    ],
)
def test_bad_chart_windows_and_names_are_not_found(world, query):
    ann, clinician, _patient = world
    assert clinician.get(f"/clinic/patients/{ann}/charts/mood.png?{query}").status_code == 404
    window = f"start={today() - timedelta(days=5)}&end={today()}"
    assert clinician.get(f"/clinic/patients/{ann}/charts/horoscope.png?{window}").status_code == 404
    future = f"start={today()}&end={today() + timedelta(days=1)}"
    assert clinician.get(f"/clinic/patients/{ann}/charts/mood.png?{future}").status_code == 404


def test_patient_sees_own_charts_on_progress_and_nobody_elses(app, world, make_patient):
    ann, clinician, patient = world
    html = patient.get("/progress").get_data(as_text=True)
    urls = chart_urls(html)
    assert len(urls) == 6
    assert all(url.startswith("/progress/charts/") for url in urls)
    response = patient.get(urls[0])
    assert response.status_code == 200 and response.data.startswith(PNG)
    make_patient("bob@example.com")
    bob = app.test_client()
    login(bob, "bob@example.com")
    # The same URL for Bob draws Bob's (empty) chart: a patient's chart URL never names another patient.
    assert bob.get(urls[0]).data != response.data
    assert clinician.get(urls[0]).status_code == 404


def test_visit_report_holds_page_one_all_six_charts_the_phq9_items_and_the_notes(app, world, renders):
    ann, clinician, patient = world
    with app.app_context():
        from diary.models import Appointment, Checkin, User

        db.session.get(User, ann).name = "Ann Example"
        db.session.add(
            Appointment(patient_id=ann, day=today() - timedelta(days=3), triglycerides=620, alt=30)
        )
        answers = {f"q{n}": n % 4 for n in range(1, 10)}
        db.session.add(Checkin(patient_id=ann, day=today() - timedelta(days=2), **answers))
        db.session.scalar(db.select(Entry).where(Entry.day == today())).notes = "Lips bleeding this morning"
        db.session.commit()
    review = clinician.get(f"/clinic/patients/{ann}?days=30").get_data(as_text=True)
    for url in chart_urls(review):  # the review drew the six charts already
        assert clinician.get(url).status_code == 200
    drawn = renders()
    response = clinician.get(f"/clinic/patients/{ann}/report.pdf?days=30")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert renders() == drawn, "the report drew a chart the cache already held"
    pdf = response.data
    assert pdf.startswith(b"%PDF")
    pages = _pdf_pages(pdf)
    first = " ".join(pages[0].split())
    assert "Ann Example" in first
    assert "6.7 of 135 mg/kg" in first  # 10 doses of 40 mg at 60 kg
    assert "Needs attention" in first and "Summary" in first
    assert "TG mg/dL" in first and "620 HIGH" in first  # labs with units and their flag
    rest = " ".join(" ".join(pages[1:]).split())
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) >= 6  # all six charts
    for title in ("Dryness", "Time in direct sun", "Mood", "Skin", "Cumulative dose", "Blood tests"):
        assert title in rest, title
    assert "PHQ-9 items" in rest and "Little interest or pleasure in doing things" in rest
    assert "Several days (1)" in rest and "Nearly every day (3)" in rest  # each item's answer
    assert "Lips bleeding this morning" in rest


def _pdf_pages(pdf: bytes) -> list[str]:
    """The report's text page by page (pdftotext separates pages with a form feed)."""
    return _pdf_text(pdf).split("\f")


def _pdf_text(pdf: bytes) -> str:
    """The report's text, read back by poppler's pdftotext (.ci/run installs poppler-utils)."""
    tool = shutil.which("pdftotext")
    if tool:
        return subprocess.run([tool, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    pytest.fail("pdftotext (poppler-utils) is needed to read the report back")


def test_a_review_loading_its_six_charts_at_once_never_fails(app, world):
    """A browser fetches the six images in parallel: cold renders, cache writes and audit rows interleave."""
    ann, clinician, _patient = world
    urls = chart_urls(clinician.get(f"/clinic/patients/{ann}").get_data(as_text=True))
    cookie = clinician.get_cookie("diary_session").value
    statuses: list[int] = []
    barrier = threading.Barrier(len(urls))

    def fetch(url: str) -> None:
        browser = app.test_client()
        browser.set_cookie("diary_session", cookie)
        barrier.wait()
        statuses.append(browser.get(url).status_code)

    threads = [threading.Thread(target=fetch, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * len(urls)


def test_a_view_audit_survives_another_process_writing_just_before_it(app, world):
    """The audit row of a GET is written in a fresh transaction: a write by someone else just before it
    (another worker saving a day or caching a chart) must not make the page fail ("database is locked")."""
    ann, clinician, _patient = world
    with app.app_context():
        engine = db.engine

    def someone_else_writes(_conn, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO audit_events"):
            with engine.connect() as other:
                other.execute(db.insert(Throttle).values(scope="test", key="k", at=datetime.now(UTC)))
                other.commit()

    event.listen(engine, "before_cursor_execute", someone_else_writes)
    try:
        assert clinician.get(f"/clinic/patients/{ann}").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", someone_else_writes)


def test_the_dose_chart_of_a_short_window_still_sums_the_whole_course(app, make_patient, make_course):
    """The image a URL serves is the chart of the patient's whole data, as its alt text describes."""
    patient = make_patient("long@example.com")
    make_course(patient, today() - timedelta(days=100), 50, 50)
    with app.app_context():
        for n in range(100):
            db.session.add(Entry(patient_id=patient, day=today() - timedelta(days=n), dose_mg=50))
        db.session.commit()
        start = today() - timedelta(days=29)
        expected = render(
            "dose", chart_data(load_patient_data(patient, end=today()), start, today(), today())
        )
    client = app.test_client()
    login(client, "long@example.com")
    served = client.get(f"/progress/charts/dose.png?start={start.isoformat()}&end={today().isoformat()}").data
    assert served == expected
