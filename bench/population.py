"""A clinic network seeded by COPY into a scratch PostgreSQL database (bench/scale.py, bench/national.py).

`seed()` writes users (clinicians, then patients), one share each, courses with their first prescription, an
entry for each of `days` days (day by day across all patients, as a clinic's table fills in real life, so a
patient's rows are spread over the table rather than packed together), a PHQ-9 every 28 days and an
appointment with labs every 30 days; then VACUUM ANALYZE. Patient p's course started `days - 1 + p % 10` days
ago and their last entry is `p % 10` days ago (so a tenth of them have today's entry already).

The seeding connection runs with `session_replication_role = replica`, so the row triggers that keep
users.data_version (migration 0003) do not fire millions of times; every version then stays 0, which is right
for empty cache tables. Columns are written by name; any other NOT NULL column without a database default is
given the model's own default (so a new symptom column with `default=False` needs nothing here), and a column
with neither stops the seeding with its name.
"""

import time
from datetime import UTC, date, datetime, timedelta

import psycopg
from common import BENCH_TOTP_SECRET
from sqlalchemy.engine import make_url

CLINICIANS = 20
SUNBURN = ["none"] * 20 + ["mild", "severe"]
VARIANTS = 256  # distinct answer sets per day, picked by a hash of (patient, day)
TABLES = ("users", "shares", "courses", "course_revisions", "entries", "checkins", "appointments")


def seed(url: str, patients: int, days: int, shared: int, password_hash: str, today: date) -> dict:
    """COPY a clinic network into the database: up to 20 clinicians, each with every `clinicians`-th patient.

    Returns row counts, seconds, the patients' ids, the first clinician's email and how many patients share
    with them, and ten of those patients to visit."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    stamp = datetime.now(UTC)
    clinicians = min(CLINICIANS, max(1, patients // shared))
    first_patient = clinicians + 1
    patient_ids = range(first_patient, first_patient + patients)
    counts: dict[str, int] = {}
    began = time.perf_counter()
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        # No user triggers for this connection: the data_version triggers would fire for every seeded row
        # (and update the patient's users row each time). Foreign keys are not checked either (they are
        # triggers too); the rows are generated consistent.
        cur.execute("SET session_replication_role = replica")

        def copy(table: str, columns: tuple[str, ...], rows) -> None:
            more, values = model_defaults(table, columns)
            n = 0
            with cur.copy(f"COPY {table} ({', '.join((*columns, *more))}) FROM STDIN") as out:
                for row in rows:
                    out.write_row((*row, *values))
                    n += 1
            counts[table] = counts.get(table, 0) + n

        copy(
            "users",
            ("id", "email", "password_hash", "role", "name", "timezone", "clinic_code", "session_token")
            + ("created_at", "totp_secret"),
            [
                (c, f"doctor{c}@scale.example", password_hash, "CLINICIAN", f"Dr. {c}", "UTC")
                + (f"SCALE{c:04d}", f"clinician-token-{c}", stamp, BENCH_TOTP_SECRET)
                for c in range(1, clinicians + 1)
            ]
            + [
                (p, f"p{p}@scale.example", password_hash, "PATIENT", f"Patient {p}", "UTC", None)
                + (f"patient-token-{p}", stamp, None)
                for p in patient_ids
            ],
        )
        # Clinician c has every patient whose number is c modulo the clinicians: spread out.
        copy(
            "shares",
            ("id", "patient_id", "clinician_id", "created_at"),
            ((n + 1, p, 1 + n % clinicians, stamp) for n, p in enumerate(patient_ids)),
        )
        starts = {p: today - timedelta(days=days - 1 + p % 10) for p in patient_ids}
        copy(
            "courses",
            ("id", "patient_id", "start_date", "weight_kg", "daily_dose_mg", "target_mg_per_kg")
            + ("can_get_pregnant", "created_at"),
            ((p, p, starts[p], 60 + p % 30, 40.0, 135.0, p % 3 == 0, stamp) for p in patient_ids),
        )
        copy(
            "course_revisions",
            ("id", "course_id", "effective_on", "weight_kg", "daily_dose_mg", "target_mg_per_kg")
            + ("changed_at",),
            ((p, p, starts[p], 60 + p % 30, 40.0, 135.0, stamp) for p in patient_ids),
        )
        counts["entries"] = copy_entries(cur, patient_ids, starts, days, stamp)
        copy(
            "checkins",
            ("patient_id", "day", *(f"q{q}" for q in range(1, 10)), "difficulty", "created_at"),
            (
                (p, starts[p] + timedelta(days=d), *((p + d + q) % 4 // 2 for q in range(9)), 0, stamp)
                for d in range(0, days, 28)
                for p in patient_ids
            ),
        )
        copy(
            "appointments",
            ("patient_id", "clinician_id", "day", "triglycerides", "alt", "ast", "notes", "created_at"),
            (
                (p, 1 + p % clinicians, starts[p] + timedelta(days=d), 140.0 + d + p % 50, 25.0, 22.0, "")
                + (stamp,)
                for d in range(15, days, 30)
                for p in patient_ids
            ),
        )
        for table in TABLES:
            # Table names from TABLES, not input.
            top = f"SELECT max(id) FROM {table}"  # noqa: S608
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ({top}))")
        conn.commit()
        seeded = time.perf_counter() - began
        conn.autocommit = True
        cur.execute("VACUUM ANALYZE")
    mine = [p for n, p in enumerate(patient_ids) if n % clinicians == 0]
    return {
        "counts": counts,
        "seconds": seeded,
        "total_seconds": time.perf_counter() - began,
        "patient_ids": patient_ids,
        "clinician_email": "doctor1@scale.example",
        "shared": len(mine),
        "review_ids": mine[:: max(1, len(mine) // 10)][:10],
    }


def model_defaults(table: str, columns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple]:
    """The table's NOT NULL columns that `columns` leaves out and the database would not fill, with the
    model's scalar default for each."""
    import diary.models  # noqa: F401 - registers every table on the metadata
    from diary.extensions import db

    names, values = [], []
    for column in db.metadata.tables[table].columns:
        given = column.name in columns or column.primary_key
        if given or column.nullable or column.server_default is not None:
            continue
        if column.default is None or not column.default.is_scalar:
            raise RuntimeError(f"the bench seeding gives no value for {table}.{column.name}: add it")
        names.append(column.name)
        values.append(column.default.arg)
    return tuple(names), tuple(values)


def copy_entries(cur, patient_ids: range, starts: dict[int, date], days: int, stamp: datetime) -> int:
    """COPY the entries as text, day by day across every patient (as a clinic's table fills in real life).

    Values vary with patient and day through a hash into a few hundred answer sets prepared per day, so each
    of the millions of rows costs one short string format: Python keeps up with COPY.
    """
    given = tuple(_answers(0, 0.0))
    more, defaults = model_defaults("entries", ("patient_id", "day", *given, "created_at", "updated_at"))
    columns = ", ".join(("patient_id", "day", *given, *more, "created_at", "updated_at"))
    tail = "".join(f"\t{_text(v)}" for v in defaults) + f"\t{stamp.isoformat()}\t{stamp.isoformat()}\n"
    written = 0
    with cur.copy(f"COPY entries ({columns}) FROM STDIN") as out:
        for d in range(days):
            variants = ["\t".join(map(_text, _answers(h, d / days).values())) + tail for h in range(VARIANTS)]
            lines = []
            for p in patient_ids:
                h = (p * 2654435761 + d * 40503) % VARIANTS
                lines.append(f"{p}\t{starts[p] + timedelta(days=d)}\t{variants[h]}")
            out.write("".join(lines))
            written += len(lines)
    return written


def _text(value) -> str:
    """A value in COPY's text format (only what _answers and the models' defaults produce)."""
    if isinstance(value, bool):
        return "t" if value else "f"
    return r"\N" if value is None else str(value)


def _answers(h: int, t: float) -> dict:
    """One day's answers by column name; t is 0..1 of the course, h picks the variant."""
    return {
        "dose_mg": 0.0 if h % 25 == 0 else 40.0,
        "lips": min(10, int(3 + 5 * t + h % 3)),
        "skin": min(10, int(2 + 3 * t + h % 2)),
        "eyes": h % 4,
        "nosebleed": h % 20 == 0,
        "sun_minutes": (h * 7) % 90,
        "sunscreen": h % 10 < 7,
        "covered": h % 5 < 2,
        "sunburn": SUNBURN[h % len(SUNBURN)],
        "mood": max(0, min(10, round(7 - 2 * t + (h % 5 - 2)))),
        "skin_severity": max(0, min(4, int(3.5 - 3 * t + (h % 2)))),
        "new_spots": max(0, int(6 - 5 * t + (h % 5 - 2))),
        "joint_pain": h % 20 == 1,
        "self_harm_thoughts": h == 7 and t > 0.9,
        "notes": "Lips cracked again." if h % 10 == 0 else "",
    }
