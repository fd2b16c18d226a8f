"""Scale: the clinician's pages on a PostgreSQL clinic network of 10,000 patients × 180 days, against the
same pages on a 20-patient database in the same run.

    .venv/bin/python bench/scale.py [--patients 10000] [--days 180] [--shared 500] [--repeat 10] [--explain]

Seeding (bench/population.py): a scratch database migrated with `flask db upgrade`, then COPY (psycopg
`cursor.copy`) of users, 20 clinicians with 500 sharing patients each, courses with their first prescription,
an entry for each of 180 days (written day by day across all patients, as a clinic's table fills in real
life), a PHQ-9 every 28 days and an appointment with labs every 30 days; then VACUUM ANALYZE, without the
data_version triggers (every version stays 0, right for an empty roster_summaries). The seeding rate is
reported in rows per second.

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
from datetime import date

import pyotp
from common import (
    BENCH_TOTP_SECRET,
    CSRF_RE,
    PASSWORD,
    bench_app,
    command_line,
    percentile,
    postgres_database,
    record,
    start_run,
)
from population import seed
from sqlalchemy import delete, event

GOALS_MS = {"list": 200.0, "review": 300.0}
PAGES = {
    "list_cold": "patient list /clinic/, cold",
    "list": "patient list /clinic/, warm",
    "review": "review /clinic/patients/<id>",
}
# Cold patient-list requests per run: each recomputes every row, so fewer than --repeat.
COLD_REPEAT = 5


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
    # The clinicians' second step, with the seeded authenticator key (bench/population.py).
    token = CSRF_RE.search(client.get("/two-factor").get_data(as_text=True)).group(1)
    code = pyotp.TOTP(BENCH_TOTP_SECRET).now()
    answer = client.post("/two-factor", data={"code": code, "csrf_token": token})
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
