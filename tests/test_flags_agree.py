"""The patient list, the review, the visit report and the patient's export tell the same flags: one source."""

import html as html_lib
import json
import re
from collections import Counter
from datetime import timedelta

from conftest import login, post, today, yesterday
from test_clinic_charts import _pdf_text
from test_diary import save

FLAG_RE = re.compile(
    r'<li class="flag (critical|warning|info)">\s*<div>\s*<strong[^>]*>[^<]*</strong>\s*<span>([^<]*)</span>'
)


def test_list_review_report_and_export_agree_on_every_flag(
    app, make_patient, make_clinician, share, make_course
):
    pat = make_patient("pat@example.com")
    doctor, _code = make_clinician()
    methods = {"contraception_primary": "iud", "contraception_secondary": "male_condom"}
    make_course(pat, today() - timedelta(days=20), can_get_pregnant=True, **methods)
    share(pat, doctor)
    patient, clinician = app.test_client(), app.test_client()
    assert login(patient, "pat@example.com").status_code == 302
    assert login(clinician, "doc@example.com").status_code == 302
    # Self-harm reported and then taken back, a warning sign, a severe sunburn; a positive test; high lipids.
    save(patient, day=yesterday(), symptoms=["self_harm_thoughts"])
    save(patient, day=yesterday(), symptoms=[])
    save(patient, symptoms=["hearing"], sunburn="severe")
    post(patient, "/course/pregnancy-tests", {"test_day": today().isoformat(), "result": "positive"})
    # A visit ten days ago: the default window (since the last appointment) holds everything above.
    visit = {
        "day": (today() - timedelta(days=10)).isoformat(),
        "lipid_unit": "mmol/L",
        "triglycerides": "10.5",
    }
    assert post(clinician, f"/clinic/patients/{pat}/appointments/new", visit).status_code == 302

    review = clinician.get(f"/clinic/patients/{pat}").get_data(as_text=True)
    flags = [(level, html_lib.unescape(message)) for level, message in FLAG_RE.findall(review)]
    messages = [message for _level, message in flags]
    assert any("changed by the patient" in m for m in messages)
    by_level = Counter(level for level, _message in flags)
    assert by_level["critical"] == 3, flags  # self-harm (changed), positive test, triglycerides 930 mg/dL

    listed = clinician.get("/clinic/").get_data(as_text=True)
    for level in ("critical", "warning", "info"):
        badge = f'<span class="badge {level}">{by_level[level]} {level}</span>'
        assert (badge in listed) == (by_level[level] > 0), level

    report = " ".join(_pdf_text(clinician.get(f"/clinic/patients/{pat}/report.pdf").data).split())
    for message in messages:
        assert " ".join(message.split()) in report, message

    exported = json.loads(patient.get("/export.json").get_data(as_text=True))
    events = {(alert["rule"], alert["day"]) for alert in exported["safety_alerts"]}
    assert {rule for rule, _day in events} == {
        "self_harm",
        "hearing",
        "pregnancy_positive",
        "triglycerides_critical",
    }
