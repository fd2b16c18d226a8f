"""Reminders the patient chose, the browsers that take push notifications, the private calendar feed, and
the claim rows that make `flask send-reminders` send each reminder at most once."""

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from diary.extensions import db
from diary.models.base import created_at_column

# The kinds, in the order the page offers them (diary/clinical/reminders.py decides when each is due).
REMINDER_KINDS = ("daily_log", "checkin", "pregnancy_test", "pickup_window", "appointment", "blood_donation")
SEND_STATUSES = ("sending", "sent", "failed", "skipped")


class ReminderPreference(db.Model):
    """One kind of reminder as the patient set it: the local time, and by email and/or push (neither: off)."""

    __tablename__ = "reminder_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        CheckConstraint(f"kind IN {REMINDER_KINDS!r}", name="kind_choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # (UNIQUE(user_id, kind) serves as the index on user_id.)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    at: Mapped[time] = mapped_column(Time)
    email: Mapped[bool] = mapped_column(Boolean, default=False)
    push: Mapped[bool] = mapped_column(Boolean, default=False)


class ReminderSettings(db.Model):
    """What holds for all of a patient's reminders: the quiet hours (none when both are empty)."""

    __tablename__ = "reminder_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    quiet_from: Mapped[time | None] = mapped_column(Time)
    quiet_until: Mapped[time | None] = mapped_column(Time)


class PushSubscription(db.Model):
    """A browser that agreed to show this account's notifications (the Push API's subscription).

    The endpoint is the push service's URL for that browser; p256dh and auth are the keys the payload is
    encrypted to (RFC 8291). A browser belongs to whoever subscribed it last.
    """

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    device: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = created_at_column()


class CalendarFeed(db.Model):
    """The patient's private calendar link: only the SHA-256 of its secret is kept (a copy of the database
    opens no feed). Re-created, the row gets a new secret and the old link stops working; revoked, it goes."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()


class ReminderSend(db.Model):
    """One reminder of one kind for one patient's local day, claimed before it is sent.

    UNIQUE(patient, kind, day): whichever process inserts the row first sends it; every other run, here or on
    another host, finds it claimed. A failed send is marked 'failed' and re-claimed by the next run (one
    UPDATE … WHERE status = 'failed'); 'skipped' records that the kind was not due that day (nothing to
    send), so it is not looked at again. email_sent / push_sent: what has gone out, so a retry sends only
    what is missing.
    """

    __tablename__ = "reminder_sends"
    __table_args__ = (
        UniqueConstraint("patient_id", "kind", "day"),
        CheckConstraint(f"status IN {SEND_STATUSES!r}", name="status_choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    day: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    email_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    push_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
