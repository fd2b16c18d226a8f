"""The app as the HTTP bench serves it: `diary.create_app()` plus one bench-only route, /bench/baseline, the
baseline page of bench/baseline_app.py rendered by the app itself (its template folder is bench/templates).

    gunicorn --workers 2 'served_app:app'   (with bench/ and the repository root on PYTHONPATH)

Nothing else differs from production: this module is never imported by the app or its tests.
"""

from pathlib import Path

from baseline_app import baseline_page
from flask import Blueprint

from diary import create_app

app = create_app()
baseline = Blueprint(
    "bench_baseline", __name__, template_folder=str(Path(__file__).resolve().parent / "templates")
)
baseline.add_url_rule("/bench/baseline", view_func=baseline_page)
app.register_blueprint(baseline)
