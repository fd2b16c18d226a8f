"""The private calendar feed: /calendar/<secret>.ics, for a phone's calendar to subscribe to (no session).

Only the SHA-256 of the secret is stored, so the link is shown once, when it is made (a copy of the database
opens no feed). Lost, it is made again, which ends the old one; revoked, every copy of it answers 404.
Wrong links are counted per address: past CALENDAR_MISSES_PER_ADDRESS an hour, that address is refused.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from icalendar import Calendar, Event
from sqlalchemy import delete, insert, select

from diary import throttle
from diary.access import patient_required
from diary.clinical.calendar import CalendarEvent
from diary.database import insert_for, store_aside
from diary.extensions import db
from diary.models import CalendarFeed, Throttle
from diary.notify.links import public_url
from diary.records.reminders import calendar_of
from diary.reminders import bp
from diary.reminders.views import page

SCOPE = "calendar"
MAX_TOKEN_LENGTH = 100


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@bp.post("/calendar/new")
@patient_required
def new_calendar_link():
    """Make the link (a new secret: an earlier link stops working) and show it, once."""
    token = secrets.token_urlsafe(32)
    table = CalendarFeed.__table__
    stmt = insert_for(db.session.get_bind().dialect.name, table).values(
        user_id=current_user.id, token_hash=_digest(token), created_at=datetime.now(UTC)
    )
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.user_id],
            set_={"token_hash": stmt.excluded.token_hash, "created_at": stmt.excluded.created_at},
        )
    )
    db.session.commit()
    return page(feed_url=public_url("reminders.calendar_feed", feed_token=token))


@bp.post("/calendar/revoke")
@patient_required
def revoke_calendar_link():
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == current_user.id))
    db.session.commit()
    flash("The calendar link is turned off: calendars that used it get nothing more.", "success")
    return redirect(url_for("reminders.reminders"))


def _address_key() -> str:
    return f"address:{(request.remote_addr or 'unknown')[:200]}"


@bp.get("/calendar/<feed_token>.ics")
def calendar_feed(feed_token: str):
    config = current_app.config
    limit = [(_address_key(), config["CALENDAR_MISSES_PER_ADDRESS"])]
    wait = throttle.retry_after(SCOPE, limit, config["CALENDAR_MISS_WINDOW"])
    if wait:
        throttle.refuse(wait, "Too many wrong calendar links from here. Please wait and try again.")
    patient_id = None
    if len(feed_token) <= MAX_TOKEN_LENGTH:
        patient_id = db.session.scalar(
            select(CalendarFeed.user_id).where(CalendarFeed.token_hash == _digest(feed_token))
        )
    if patient_id is None:
        # Counted beside the request's read (a GET's transaction only reads; see database.store_aside).
        store_aside((insert(Throttle).values(scope=SCOPE, key=_address_key(), at=datetime.now(UTC)), {}))
        db.session.commit()
        abort(404)
    body = to_ics(calendar_of(patient_id), patient_id)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Cache-Control": "private, no-store", "Content-Disposition": 'inline; filename="diary.ics"'},
    )


def to_ics(events: list[CalendarEvent], patient_id: int) -> bytes:
    """RFC 5545, all-day events; the calendar's name says nothing about what the diary is for."""
    calendar = Calendar()
    calendar.add("prodid", "-//Diary//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "My diary")
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for item in events:
        event = Event()
        event.add("uid", f"{item.key}.{patient_id}@diary")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.title)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
