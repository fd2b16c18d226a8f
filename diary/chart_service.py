"""Serving a patient's charts over HTTP: the window a chart URL names, and the PNG response.

A chart URL names its window by dates (?start=…&end=…), so the URL itself says exactly what is drawn
(diary/records/charts.py draws it, storing only the named windows). Windows reaching further back than two
years, or into the future, are 404.
"""

from datetime import date

from flask import Response, abort
from werkzeug.datastructures import MultiDict

from diary.charts import CHART_NAMES
from diary.private_images import private_image
from diary.records.charts import chart_png_for
from diary.windows import earliest_start


def window_from_args(args: MultiDict, today: date) -> tuple[date, date]:
    """The chart window from ?start=&end= (ISO dates within the last two years, start ≤ end ≤ today): else
    404."""
    try:
        start, end = date.fromisoformat(args.get("start", "")), date.fromisoformat(args.get("end", ""))
    except ValueError:
        abort(404)
    if not earliest_start(today) <= start <= end <= today:
        abort(404)
    return start, end


def chart_response(patient_id: int, name: str, window: tuple[date, date], today: date) -> Response:
    """The chart PNG, from the cache when nothing changed. Unknown chart names are 404."""
    if name not in CHART_NAMES:
        abort(404)
    return private_image(chart_png_for(patient_id, name, window, today), "image/png")
