"""One run of `flask send-reminders`: every reminder due now, each claimed in the database before it is sent.

Safe every minute, from any number of hosts at once:
- a reminder is one row of reminder_sends, UNIQUE(patient, kind, day), inserted with ON CONFLICT DO NOTHING
  in a transaction of its own and committed before anything is sent: the run whose insert went in sends it,
  every other run (here or elsewhere, now or later) finds it taken;
- a send that failed is marked 'failed', and the next run takes it again with one UPDATE … WHERE status =
  'failed' (so again only one run does), up to MAX_ATTEMPTS on its day; only what did not go out is sent
  again (email_sent, push_sent);
- a claimed row whose run died mid-send stays 'sending' and is not sent again: at most once, by design;
- a kind not due that day (the day is already logged) is marked 'skipped' and not looked at again that day.
No transaction is held open while a mail server or push service is talked to.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import render_template
from sqlalchemy import delete, select, update

from diary import mail
from diary.clinical.reminders import due_reminders
from diary.database import insert_for
from diary.extensions import db
from diary.models import PushSubscription, ReminderSend
from diary.notify import push
from diary.notify.links import public_url, site_path, unsubscribe_token
from diary.records.reminders import MAX_ATTEMPTS, Candidate, candidates, reminder_facts_many

log = logging.getLogger(__name__)

# Neither says what the diary is about, nor anything about the patient: subjects and notifications are read
# on lock screens and by mail servers.
TITLE = "Time for your diary"
PUSH_BODY = "Open your diary to see what is due today."
# The page each kind opens on (the page, not the message, says what is due).
PAGES = {
    "daily_log": "log.today",
    "checkin": "care.checkin",
    "pregnancy_test": "care.course",
    "pickup_window": "care.course",
    "appointment": "log.today",
    "blood_donation": "care.course",
}
# Claims are kept this long (a local day is at most a day from UTC's; the rest is for looking back).
KEEP_DAYS = 7


@dataclass
class RunSummary:
    sent: int = 0
    failed: int = 0
    not_due: int = 0
    taken_elsewhere: int = 0

    def __bool__(self) -> bool:
        """Whether the run did anything worth a line of output (cron mails any output)."""
        return bool(self.sent or self.failed)

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.failed} failed (tried again next run), {self.not_due} not due,"
            f" {self.taken_elsewhere} already taken"
        )


def send_due_reminders(now: datetime) -> RunSummary:
    """Send every reminder due at `now` (aware, UTC) that no run has taken yet."""
    summary = RunSummary()
    found = candidates(now, push.enabled())
    db.session.commit()  # end the read: nothing is held while claiming and sending
    claimed = []
    for candidate in found:
        row = _claim(candidate, now)
        if row is None:
            summary.taken_elsewhere += 1
        else:
            claimed.append((candidate, row))
    facts = reminder_facts_many({candidate.patient_id: candidate.day for candidate, _row in claimed})
    db.session.commit()
    for candidate, (email_sent, push_sent) in claimed:
        if candidate.kind not in due_reminders(facts[candidate.patient_id], candidate.day):
            _finish(candidate, "skipped", email_sent, push_sent)
            summary.not_due += 1
            continue
        email_sent = email_sent or candidate.email_to is None or _email(candidate)
        push_sent = push_sent or not candidate.push or _push(candidate)
        ok = email_sent and push_sent
        _finish(candidate, "sent" if ok else "failed", email_sent, push_sent)
        summary.sent += ok
        summary.failed += not ok
    _forget_old_claims(now)
    return summary


def _key(candidate: Candidate):
    return (
        ReminderSend.patient_id == candidate.patient_id,
        ReminderSend.kind == candidate.kind,
        ReminderSend.day == candidate.day,
    )


def _claim(candidate: Candidate, now: datetime) -> tuple[bool, bool] | None:
    """Take the reminder for this run (committed at once): (email sent, push sent) so far, or None when
    another run has it."""
    table = ReminderSend.__table__
    insert = (
        insert_for(db.session.get_bind().dialect.name, table)
        .values(
            patient_id=candidate.patient_id,
            kind=candidate.kind,
            day=candidate.day,
            status="sending",
            attempts=1,
            email_sent=False,
            push_sent=False,
            claimed_at=now,
        )
        .on_conflict_do_nothing(index_elements=[table.c.patient_id, table.c.kind, table.c.day])
        .returning(table.c.email_sent, table.c.push_sent)
    )
    # (RETURNING says whether the row went in: psycopg reports no rowcount for these statements.)
    row = db.session.execute(insert).first()
    if row is None:
        retry = (
            update(ReminderSend)
            .where(*_key(candidate), ReminderSend.status == "failed", ReminderSend.attempts < MAX_ATTEMPTS)
            .values(status="sending", attempts=ReminderSend.attempts + 1, claimed_at=now)
            .returning(ReminderSend.email_sent, ReminderSend.push_sent)
        )
        row = db.session.execute(retry).first()
    db.session.commit()
    return tuple(row) if row is not None else None


def _finish(candidate: Candidate, status: str, email_sent: bool, push_sent: bool) -> None:
    db.session.execute(
        update(ReminderSend)
        .where(*_key(candidate))
        .values(status=status, email_sent=email_sent, push_sent=push_sent)
    )
    db.session.commit()


def _email(candidate: Candidate) -> bool:
    """Deliver the reminder email now; False when the mail server did not take it."""
    unsubscribe = public_url(
        "reminders.unsubscribe", unsubscribe_token=unsubscribe_token(candidate.patient_id, candidate.kind)
    )
    body = render_template(
        "email/reminder.txt",
        link=public_url(PAGES[candidate.kind]),
        unsubscribe=unsubscribe,
        settings=public_url("reminders.reminders"),
    )
    headers = {
        # RFC 2369 and RFC 8058: mail programs offer "unsubscribe", which POSTs to the link at once.
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    try:
        mail.send_now(candidate.email_to, TITLE, body, headers)
    except Exception as error:  # noqa: BLE001  (any failure of the mail server: tried again next run)
        log.error("reminder email not delivered: %s", type(error).__name__)
        return False
    return True


def _push(candidate: Candidate) -> bool:
    """Deliver the notification to each of the patient's browsers: True when one took it, or when none is
    left (push services said they are gone: deleted)."""
    subscriptions = db.session.scalars(
        select(PushSubscription).where(PushSubscription.user_id == candidate.patient_id)
    ).all()
    db.session.commit()
    payload = {"title": TITLE, "body": PUSH_BODY, "url": site_path(PAGES[candidate.kind])}
    outcomes = {subscription.id: push.deliver(subscription, payload) for subscription in subscriptions}
    gone = [subscription_id for subscription_id, outcome in outcomes.items() if outcome == push.GONE]
    if gone:
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
        db.session.commit()
    return push.SENT in outcomes.values() or push.FAILED not in outcomes.values()


def _forget_old_claims(now: datetime) -> None:
    db.session.execute(delete(ReminderSend).where(ReminderSend.day < now.date() - timedelta(days=KEEP_DAYS)))
    db.session.commit()


def run_every(seconds: int, echo: Callable[[str], None]) -> None:
    """Run again and again, `seconds` apart, until stopped (a failed run is logged and the next one comes)."""
    while True:
        try:
            summary = send_due_reminders(datetime.now(UTC))
            if summary:
                echo(f"Reminders: {summary}")
        except Exception as error:  # noqa: BLE001  (the database may be down for a while: keep going)
            log.error("send-reminders run failed: %s", type(error).__name__)
        finally:
            db.session.remove()
        time.sleep(seconds)
