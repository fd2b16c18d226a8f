"""Scale: the clinician's pages on a PostgreSQL clinic network of 10,000 patients × 180 days, against the
same pages on a 20-patient database in the same run.

    .venv/bin/python bench/scale.py [--patients 10000] [--days 180] [--shared 500] [--repeat 10] [--explain]

Seeding: a scratch database migrated with `flask db upgrade`, then COPY (psycopg `cursor.copy`) of users,
20 clinicians with 500 sharing patients each, courses with their first prescription, an entry for each of
180 days (written day by day across all patients, as a clinic's table fills in real life, so a patient's
rows are spread over the table rather than packed together), a PHQ-9 every 28 days and an appointment with
labs every 30 days; then ANALYZE. The seeding rate is reported in rows per second. The seeding connection
runs with `session_replication_role = replica`, so the row triggers that keep users.data_version (migration
0003) do not fire 1.8 million times; every version then stays 0, right for an empty roster_summaries.

Measured through the Flask test client (the whole request: session, queries, flags, templates), signed in
as a clinician with 500 sharing patients: the patient list (/clinic/) and a review page
(/clinic/patients/<id>), `--repeat` times each after two warm-ups, with the number of SQL statements and the
slowest statements of a request. The patient list is measured twice: cold, as the first request of a day
(roster_summaries emptied before each request, so every row is computed and stored), and warm (every row
read from roster_summaries, as on any later request while the patients' data is unchanged). The same pages
on a 20-patient database (all sharing) give the ratios and show that the query count does not grow.
`--explain` prints EXPLAIN (ANALYZE, BUFFERS) of the slowest statements.

Goals (issue 7): patient list < 200 ms (warm) and review page < 300 ms at 10,000 patients, with the same
number of queries as on the small database.
"""

import argparse
import statistics
import time
from datetime import UTC, date, datetime, timedelta

import psycopg
from common import (
    CSRF_RE,
    PASSWORD,
    bench_app,
    command_line,
    percentile,
    postgres_database,
    record,
    start_run,
)
from sqlalchemy import delete, event
from sqlalchemy.engine import make_url

from diary.models.entry import ENTRY_FIELDS

GOALS_MS = {"list": 200.0, "review": 300.0}
CLINICIANS = 20
PAGES = {
    "list_cold": "patient list /clinic/, cold",
    "list": "patient list /clinic/, warm",
    "review": "review /clinic/patients/<id>",
}
# Cold patient-list requests per run: each recomputes every row, so fewer than --repeat.
COLD_REPEAT = 5


# --- Seeding with COPY --------------------------------------------------------------------------------------


def seed(url: str, patients: int, days: int, shared: int, password_hash: str, today: date) -> dict:
    """COPY a clinic network into the database; returns row counts, seconds and the ids to visit."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    stamp = datetime.now(UTC)
    clinicians = min(CLINICIANS, max(1, patients // shared))
    first_patient = clinicians + 1
    counts: dict[str, int] = {}
    began = time.perf_counter()
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        # No user triggers for this connection: the data_version triggers would fire for every seeded row
        # (and update the patient's users row each time). Foreign keys are not checked either (they are
        # triggers too); the rows are generated consistent.
        cur.execute("SET session_replication_role = replica")

        def copy(table: str, columns: tuple[str, ...], rows) -> None:
            n = 0
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
                for row in rows:
                    out.write_row(row)
                    n += 1
            counts[table] = counts.get(table, 0) + n

        user_columns = ("id", "email", "password_hash", "role", "name", "timezone", "clinic_code")
        copy(
            "users",
            (*user_columns, "session_token", "created_at"),
            [
                (
                    c,
                    f"doctor{c}@scale.example",
                    password_hash,
                    "CLINICIAN",
                    f"Dr. {c}",
                    "UTC",
                    f"SCALE{c:04d}",
                )
                + (f"clinician-token-{c}", stamp)
                for c in range(1, clinicians + 1)
            ]
            + [
                (p, f"p{p}@scale.example", password_hash, "PATIENT", f"Patient {p}", "UTC", None)
                + (f"patient-token-{p}", stamp)
                for p in range(first_patient, first_patient + patients)
            ],
        )
        patient_ids = range(first_patient, first_patient + patients)
        # Clinician c has every patient whose number is c modulo the clinicians: 500 each, spread out.
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
            (
                "id",
                "course_id",
                "effective_on",
                "weight_kg",
                "daily_dose_mg",
                "target_mg_per_kg",
                "changed_at",
            ),
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
        for table in (
            "users",
            "shares",
            "courses",
            "course_revisions",
            "entries",
            "checkins",
            "appointments",
        ):
            # Table names from the list above, not input.
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
        "clinician_email": "doctor1@scale.example",
        "shared": len(mine),
        "review_ids": mine[:: max(1, len(mine) // 10)][:10],
    }


# The model's answer fields, in the order _answers writes them.
ENTRY_COLUMNS = ("patient_id", "day", *ENTRY_FIELDS, "created_at", "updated_at")
SUNBURN = ["none"] * 20 + ["mild", "severe"]
VARIANTS = 256


def copy_entries(cur, patient_ids: range, starts: dict[int, date], days: int, stamp: datetime) -> int:
    """COPY the entries as text, day by day across every patient (as a clinic's table fills in real life).

    Values vary with patient and day through a hash into a few hundred answer sets prepared per day, so each
    of the 1.8 million rows costs one short string format: Python keeps up with COPY.
    """
    columns = ", ".join(ENTRY_COLUMNS)
    written = 0
    with cur.copy(f"COPY entries ({columns}) FROM STDIN") as out:
        for d in range(days):
            variants = [_answers(h, d / days, stamp) for h in range(VARIANTS)]
            lines = []
            for p in patient_ids:
                h = (p * 2654435761 + d * 40503) % VARIANTS
                lines.append(f"{p}\t{starts[p] + timedelta(days=d)}\t{variants[h]}")
            out.write("".join(lines))
            written += len(lines)
    return written


def _answers(h: int, t: float, stamp: datetime) -> str:
    """One day's answers (every column after patient and day) as a COPY text line; t is 0..1 of the course."""
    b = lambda flag: "t" if flag else "f"  # noqa: E731
    values = [
        0.0 if h % 25 == 0 else 40.0,
        min(10, int(3 + 5 * t + h % 3)),
        min(10, int(2 + 3 * t + h % 2)),
        h % 4,
        b(h % 20 == 0),
        (h * 7) % 90,
        b(h % 10 < 7),
        b(h % 5 < 2),
        SUNBURN[h % len(SUNBURN)],
        max(0, min(10, round(7 - 2 * t + (h % 5 - 2)))),
        max(0, min(4, int(3.5 - 3 * t + (h % 2)))),
        max(0, int(6 - 5 * t + (h % 5 - 2))),
        "f",
        "f",
        b(h % 20 == 1),
        "f",
        b(h == 7 and t > 0.9),
        "Lips cracked again." if h % 10 == 0 else "",
        stamp.isoformat(),
        stamp.isoformat(),
    ]
    return "\t".join(map(str, values)) + "\n"


# --- Measuring the pages ------------------------------------------------------------------------------------


class Statements:
    """Every SQL statement of a request, with how long it ran."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.log: list[tuple[float, str, object]] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, _cursor, _statement, _parameters, _context, _many):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, _cursor, statement, parameters, _context, _many):
        self.log.append((time.perf_counter() - conn.info.pop("bench_started"), statement, parameters))

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


def measure(url: str, email: str, review_ids: list[int], repeat: int, explain: bool) -> dict:
    app = bench_app(url)
    from diary.extensions import db

    client = app.test_client()
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302, answer.status_code
    from diary.models import RosterSummary

    with app.app_context():
        engine = db.engine

    def forget_rows() -> None:
        """The first request of a day: no stored row is fresh."""
        with app.app_context():
            db.session.execute(delete(RosterSummary))
            db.session.commit()

    result = {}
    reviews = [f"/clinic/patients/{i}" for i in review_ids]
    for page, paths, before, times_over in (
        ("list_cold", ["/clinic/"], forget_rows, min(repeat, COLD_REPEAT)),
        ("list", ["/clinic/"], None, repeat),
        ("review", reviews, None, repeat),
    ):
        for path in paths[:2]:
            assert client.get(path).status_code == 200, path  # warm-up: caches, compiled statements
        times, cpu, queries, slowest = [], [], [], []
        for n in range(times_over):
            if before:
                before()
            watch = Statements(engine)
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(paths[n % len(paths)])
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            watch.close()
            assert response.status_code == 200, response.status_code
            queries.append(len(watch.log))
            slowest = max(
                slowest, sorted(watch.log, key=lambda s: -s[0])[:3], key=lambda s: sum(x[0] for x in s)
            )
        result[page] = {
            "median": statistics.median(times),
            "cpu": statistics.median(cpu),
            "p90": percentile(times, 90),
            "queries": sorted(set(queries)),
            "slowest": [
                (seconds * 1000, " ".join(statement.split())[:160]) for seconds, statement, _ in slowest
            ],
            "plans": explain_plans(engine, slowest) if explain else [],
        }
    with app.app_context():
        db.engine.dispose()
    return result


def explain_plans(engine, statements) -> list[str]:
    plans = []
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        for _seconds, statement, parameters in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plans.append(
                " ".join(statement.split())[:200] + "\n" + "\n".join(r[0] for r in cursor.fetchall())
            )
        connection.rollback()
    finally:
        connection.close()
    return plans


# --- Report -------------------------------------------------------------------------------------------------


def report(big: dict, small: dict, seeded: dict, args) -> str:
    rows = sum(seeded["counts"].values())
    lines = [
        f"Seeded {rows:,} rows ({seeded['counts']['entries']:,} entries) by COPY in"
        f" {seeded['seconds']:.1f} s: {rows / seeded['seconds']:,.0f} rows/s (then VACUUM ANALYZE:"
        f" {seeded['total_seconds']:.1f} s in all).",
        "",
        "| page | large: median ms | app CPU ms | p90 ms | queries | 20 patients: median ms | app CPU ms"
        " | queries | × small |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page, label in PAGES.items():
        b, s = big[page], small[page]
        lines.append(
            f"| {label} ({seeded['shared'] if page != 'review' else 'one'} patient(s)) | {b['median']:.0f}"
            f" | {b['cpu']:.0f} | {b['p90']:.0f} | {'/'.join(map(str, b['queries']))} | {s['median']:.0f}"
            f" | {s['cpu']:.0f} | {'/'.join(map(str, s['queries']))} | {b['median'] / s['median']:.1f} |"
        )
    lines.append("")
    for page, goal in GOALS_MS.items():
        b = big[page]
        verdict = "met" if b["median"] < goal else f"MISSED by {b['median'] - goal:.0f} ms"
        lines.append(f"- {PAGES[page]} < {goal:.0f} ms at 10,000 patients: {b['median']:.0f} ms — {verdict}")
    lines.append(
        f"- {PAGES['list_cold']} (the day's first request; no goal): {big['list_cold']['median']:.0f} ms"
    )
    for page in PAGES:
        b, s = big[page], small[page]
        same = b["queries"] == s["queries"]
        lines.append(
            f"- {PAGES[page]} queries the same as on 20 patients: {b['queries']} vs {s['queries']} —"
            f" {'met' if same else 'MISSED'}"
        )
    lines.append("")
    lines.append("Slowest statements of a request at 10,000 patients:")
    for page in PAGES:
        for ms, sql in big[page]["slowest"]:
            lines.append(f"- {page}: {ms:.1f} ms `{sql}`")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--shared", type=int, default=500, help="patients sharing with the clinician")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page (default 10)")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of the slowest statements"
    )
    args, started, where = start_run(parser)
    today = date.today()
    from diary.passwords import hash_password

    with bench_app("sqlite://").app_context():
        password_hash = hash_password(PASSWORD)
    with postgres_database("diary_scale_small") as url:
        small_seed = seed(url, 20, args.days, 20, password_hash, today)
        small = measure(url, small_seed["clinician_email"], small_seed["review_ids"], args.repeat, False)
    print("20 patients measured; seeding the large database …", flush=True)
    with postgres_database("diary_scale") as url:
        seeded = seed(url, args.patients, args.days, args.shared, password_hash, today)
        print(f"seeded in {seeded['seconds']:.1f} s", flush=True)
        big = measure(url, seeded["clinician_email"], seeded["review_ids"], args.repeat, args.explain)
    text = report(big, small, seeded, args)
    print("\n" + text)
    if args.explain:
        for page in PAGES:
            for plan in big[page]["plans"]:
                print(f"\n--- {page}\n{plan}")
    if not args.no_record:
        record(
            "scale.py",
            "Scale on PostgreSQL",
            "\n".join(
                [
                    f"### {started}",
                    "",
                    f"Machine: {where}. Command: `{command_line()}`. {args.patients:,} patients × {args.days}"
                    f" days; in-process Flask test client, median of {args.repeat} requests per page.",
                    "",
                    text,
                ]
            ),
        )
        print("\nRecorded in bench/RESULTS.md")


if __name__ == "__main__":
    main()
