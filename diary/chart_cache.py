"""Rendered charts cached in the database, shared by every app process, keyed by what they were drawn from.

A chart's key is a digest of (patient, chart, window, data stamp, renderer version). The data stamp
summarises, in one SQL statement, every table the charts read, so any change to a patient's data gives new
keys and the next request draws afresh; nothing is invalidated by hand, so any number of processes agree.

Call `data_stamp` before reading the chart data (as `chart_png` does with `build`): under READ COMMITTED the
data read afterwards is then at least as new as the stamp, so a chart is never older than its key says.
"""

import functools
import hashlib
import threading
from collections.abc import Callable
from datetime import date

from sqlalchemy import TextClause, bindparam, delete, func, select, text

from diary.charts import CHART_NAMES, RENDERER_VERSION, ChartData, render
from diary.database import insert_for, store_aside
from diary.extensions import db
from diary.models import Appointment, ChartImage, Checkin, Course, CourseRevision, Entry, EntryRevision

# Renders since the process started: tests assert that a warm request renders nothing.
RENDER_COUNT = 0
_count_lock = threading.Lock()


def data_stamp(patient_id: int) -> str:
    """A summary of everything the charts depend on for this patient, in ONE SQL statement.

    Per table: the row count (catches deletions), the highest id (catches a delete plus an insert) and, where
    the table has one, the latest timestamp. Edited entries are also caught without trusting clocks: every
    change to a saved day writes an EntryRevision, so that table's count and highest id move too.
    """
    row = db.session.execute(_stamp_statement(), {"patient_id": patient_id}).one()
    return "|".join("" if value is None else str(value) for value in row)


@functools.cache
def _stamp_statement() -> TextClause:
    """The stamp query, compiled once to plain SQL: it runs on every chart request, and building and hashing
    the expression each time cost more than running it."""
    patient_id = bindparam("patient_id")
    course_ids = select(Course.id).where(Course.patient_id == patient_id)
    entry_ids = select(Entry.id).where(Entry.patient_id == patient_id)
    parts = [
        *_summary(Entry, Entry.patient_id == patient_id, Entry.id, Entry.updated_at),
        *_summary(EntryRevision, EntryRevision.entry_id.in_(entry_ids), EntryRevision.id),
        *_summary(Checkin, Checkin.patient_id == patient_id, Checkin.id, Checkin.created_at),
        *_summary(Appointment, Appointment.patient_id == patient_id, Appointment.id, Appointment.created_at),
        *_summary(Course, Course.patient_id == patient_id, Course.id),
        *_summary(
            CourseRevision,
            CourseRevision.course_id.in_(course_ids),
            CourseRevision.id,
            CourseRevision.changed_at,
        ),
    ]
    # Generic SQL (counts, max, IN subqueries) that SQLite and PostgreSQL read alike, with :patient_id.
    return text(str(select(*parts).compile()))


def _summary(model, where, *columns) -> list:
    """Scalar subqueries: count(*) and max() of each column, over the patient's rows of `model`."""
    aggregates = [func.count()] + [func.max(column) for column in columns]
    return [select(aggregate).select_from(model).where(where).scalar_subquery() for aggregate in aggregates]


def chart_key(patient_id: int, name: str, window: tuple[date, date], stamp: str) -> str:
    """`<generation>.<digest>`: the generation (stamp + renderer) prefix lets older charts be pruned."""
    generation = hashlib.sha256(f"{patient_id}|{stamp}|{RENDERER_VERSION}".encode()).hexdigest()[:16]
    first, last = window
    digest = hashlib.sha256(
        f"{generation}|{name}|{first.isoformat()}|{last.isoformat()}".encode()
    ).hexdigest()
    return f"{generation}.{digest}"


def chart_png(
    patient_id: int,
    name: str,
    window: tuple[date, date],
    stamp: str,
    build: Callable[[], ChartData],
) -> bytes:
    """The PNG of chart `name` for the patient and window: from the cache, or drawn once and stored.

    `build` is called only on a miss. A concurrent process drawing the same chart inserts the same key: the
    second insert is ignored (ON CONFLICT DO NOTHING) on SQLite and PostgreSQL alike. KeyError for an unknown
    chart name.
    """
    if name not in CHART_NAMES:
        raise KeyError(f"no chart named {name!r}")
    key = chart_key(patient_id, name, window, stamp)
    cached = db.session.scalar(
        select(ChartImage.content).where(ChartImage.patient_id == patient_id, ChartImage.key == key)
    )
    if cached is not None:
        return cached
    content = render(name, build())
    _count_render()
    _store(patient_id, key, content)
    return content


def _count_render() -> None:
    global RENDER_COUNT
    with _count_lock:
        RENDER_COUNT += 1


def _store(patient_id: int, key: str, content: bytes) -> None:
    """Insert the chart and drop the patient's charts from earlier generations (database.store_aside)."""
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
