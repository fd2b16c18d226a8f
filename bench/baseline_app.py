"""The HTTP bench's baseline: a minimal Flask app whose one route renders a page of the same size and shape
as /today (a form of scales, choices and fields, through Jinja macros and loops, autoescaped) from data in
memory: no database, no session, no forms library, no security headers.

    gunicorn --workers 2 --bind 127.0.0.1:8001 'baseline_app:app'   (from bench/)

The gap between /today and this page is what the diary itself adds per request: the signed-in user, the
CSRF token, the entry and the course read from the database, WTForms, the security headers.
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
def page():
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
