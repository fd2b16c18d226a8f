"""The app as the HTTP and floor benches serve it: `diary.create_app()` plus bench-only routes rendered or
served by the app itself, behind the same workers and request handling as every page:

- /bench/baseline: the baseline page of bench/baseline_app.py (its template folder is bench/templates);
- /bench/captured: the bytes of the file BENCH_CAPTURED_PAGE names (a /today page bench/floor.py captured),
  read once per process and sent as they are: the floor a route of this app can reach for that page.

    gunicorn --workers 2 'served_app:app'   (with bench/ and the repository root on PYTHONPATH)

Nothing else differs from production: this module is never imported by the app or its tests.
"""

import os
from pathlib import Path

from baseline_app import baseline_page
from flask import Blueprint, Response

from diary import create_app

app = create_app()
TEMPLATES = Path(__file__).resolve().parent / "templates"
bench = Blueprint("bench_baseline", __name__, template_folder=str(TEMPLATES))
bench.add_url_rule("/bench/baseline", view_func=baseline_page)
_captured: list[bytes] = []


@bench.get("/bench/captured")
def captured_page() -> Response:
    if not _captured:
        _captured.append(Path(os.environ["BENCH_CAPTURED_PAGE"]).read_bytes())
    return Response(_captured[0], mimetype="text/html")


app.register_blueprint(bench)
