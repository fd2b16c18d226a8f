"""Safety events: written once, in the caller's transaction, never changed (DESIGN.md "Safety")."""

from datetime import date

from diary.database import insert_for
from diary.extensions import db
from diary.models import SafetyAlert


def record_event(patient_id: int, day: date, rule: str, source: str, value: object = None) -> None:
    """Keep the fact that `rule` was raised for the patient on `day` (a second report of it adds nothing).

    One statement, INSERT … ON CONFLICT DO NOTHING on (patient, rule, day), so two saves racing each other
    keep exactly one event and neither fails. The caller commits with the answer that raised it.
    """
    table = SafetyAlert.__table__
    stmt = (
        insert_for(db.session.get_bind().dialect.name, table)
        .values(
            patient_id=patient_id,
            day=day,
            rule=rule,
            source=source,
            value=None if value is None else str(value)[:64],
        )
        .on_conflict_do_nothing(index_elements=[table.c.patient_id, table.c.rule, table.c.day])
    )
    db.session.execute(stmt)
