"""Rendered charts cached in the database, shared by every app process.

A chart is stored under (patient, data_version, APP_VERSION, chart, window): the patient's data_version moves
on every change to their data (database triggers, migration 0003) and APP_VERSION with the code
(diary/version.py), so a changed day, check-in, appointment or course, or a deploy, gives new keys and the
next request draws afresh. Nothing else decides staleness, and nothing is invalidated by hand.

Read the data_version before reading the chart data (diary/records/charts.py does, and passes `build` to be
called only on a miss): under READ COMMITTED the data read afterwards is then at least as new as the key, so
a chart is never older than its key says.

Only the named windows are stored (diary/records/charts.py decides), and storing a chart deletes the
patient's charts of any other generation (older data, older code, another day), so a patient has at most one
day's named charts of one data version stored.
"""

import hashlib
from collections.abc import Callable
from datetime import date

from sqlalchemy import delete, select

from diary.charts import CHART_NAMES, ChartData, render
from diary.database import insert_for, store_aside
from diary.extensions import db
from diary.models import ChartImage
from diary.version import APP_VERSION


def chart_key(patient_id: int, name: str, window: tuple[date, date], data_version: int) -> str:
    """`<generation>.<chart>.<first day>.<last day>`: the generation is a digest of (patient, data_version,
    APP_VERSION, last day), the prefix by which a patient's older charts are pruned."""
    first, last = window
    generation = hashlib.sha256(
        f"{patient_id}|{data_version}|{APP_VERSION}|{last.isoformat()}".encode()
    ).hexdigest()[:16]
    return f"{generation}.{name}.{first.isoformat()}.{last.isoformat()}"


def chart_png(
    patient_id: int,
    name: str,
    window: tuple[date, date],
    data_version: int,
    build: Callable[[], ChartData],
) -> bytes:
    """The PNG of chart `name` for the patient and window: from the cache, or drawn once and stored.

    `build` is called only on a miss. A concurrent process drawing the same chart inserts the same key: the
    second insert is ignored (ON CONFLICT DO NOTHING) on SQLite and PostgreSQL alike. KeyError for an unknown
    chart name.
    """
    if name not in CHART_NAMES:
        raise KeyError(f"no chart named {name!r}")
    key = chart_key(patient_id, name, window, data_version)
    cached = db.session.scalar(
        select(ChartImage.content).where(ChartImage.patient_id == patient_id, ChartImage.key == key)
    )
    if cached is not None:
        return cached
    content = render(name, build())
    _store(patient_id, key, content)
    return content


def _store(patient_id: int, key: str, content: bytes) -> None:
    """Insert the chart and drop the patient's charts of other generations (database.store_aside)."""
    generation = key.split(".", 1)[0]
    insert = insert_for(db.session.get_bind().dialect.name, ChartImage)
    store_aside(
        (
            insert.values(key=key, patient_id=patient_id, content=content).on_conflict_do_nothing(
                index_elements=[ChartImage.key]
            ),
            None,
        ),
        (
            delete(ChartImage).where(
                ChartImage.patient_id == patient_id, ChartImage.key.not_like(f"{generation}.%")
            ),
            None,
        ),
    )
