"""The HTTP bench's baseline page: the same size and shape as /today (a form of scales, choices and fields,
through Jinja macros and loops, autoescaped) from data in memory: no database, no session, no forms library.

Served two ways (bench/http_load.py):
- `baseline_page()` as a route of the app itself (bench/served_app.py): the issue's baseline, "a minimal
  Flask route rendering a template of similar size in the same server", behind the same workers and the
  same request handling (security headers, session and CSRF set-up, error handlers) as /today;
- `app` here, a bare Flask app with nothing else (`gunicorn 'baseline_app:app'` from bench/): the floor of
  Flask itself, for reference.
"""

from datetime import date, timedelta
from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "templates"))

SCALES = [
    ("Dryness", [("lips", "Lips", "none", "worst"), ("skin", "Skin", "none", "worst")]),
    ("Eyes", [("eyes", "Eyes", "none", "worst")]),
    ("Mood", [("mood", "Mood", "very low", "very good")]),
]
CHOICES = [
    ("sunburn", "Sunburn", ["None", "Mild (red)", "Severe (blistering or painful)"]),
    ("skin_severity", "How is your acne overall?", ["Clear", "Almost clear", "Mild", "Moderate", "Severe"]),
]
CHECKS = [
    ("headache", "Severe headache"),
    ("vision", "Blurred or double vision"),
    ("joint_pain", "Joint or back pain"),
    ("abdominal_pain", "Severe stomach (abdominal) pain"),
    ("self_harm_thoughts", "Thoughts of harming myself"),
]
NAV = ["Today", "History", "Progress", "Check-in", "Course", "Sharing", "Account"]


@app.get("/")
def baseline_page():
    today = date.today()
    return render_template(
        "baseline.html",
        today=today,
        earliest=today - timedelta(days=7),
        nav=NAV,
        scales=SCALES,
        choices=CHOICES,
        checks=CHECKS,
        values={"lips": 6, "skin": 4, "eyes": 3, "mood": 7, "sunburn": 0, "skin_severity": 2},
        token="ImUwOTc1MTQxZGVhNjljMGEzZTUwNzA2YzY4OGU0YWIzNDllNGE1ZGYi.awkrJg.tkrOABPKuVzabBmXTmcOeFfCBxQ",
    )


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
