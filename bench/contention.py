"""Write path under contention: 50 clients saving the same few days at once, on SQLite and on PostgreSQL.

    .venv/bin/python bench/contention.py [--clients 50] [--patients 5] [--days 3] [--saves 6] [--workers 4]

For each backend: a scratch database, `gunicorn --workers 4 'diary:create_app()'`, then `--clients` browsers
signed in as `--patients` patients (ten browsers each by default: tabs, phones, retries), released together by
a barrier. Each browser saves each of the same `--days` days (today and the days before) `--saves` times,
with answers that change, as fast as answers come. Baseline in the same run: the same saves sent by one
browser at a time (no contention), so the contended latency reads as a multiple of the uncontended one.

Goals (issue 7): zero "database is locked", zero 5xx, exactly one row per (patient, day).
"""

import argparse
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from common import (
    Client,
    Server,
    app_env,
    bench_app,
    command_line,
    day_form,
    percentile,
    postgres_database,
    record,
    seed_clinic,
    sqlite_database,
    start_run,
)


def save_all(clients: list[tuple[Client, int]], days: list[date], saves: int) -> dict:
    """Every client saves every day `saves` times, all released at once; statuses and latencies."""
    statuses: list[int] = []
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients))

    def work(k: int, client: Client) -> None:
        barrier.wait()
        for n in range(saves):
            for day in days:
                started = time.perf_counter()
                try:
                    status = client.post("/today", day_form(day, n * 7 + k))[0]
                except OSError:
                    status = 0
                with lock:
                    statuses.append(status)
                    latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=work, args=(k, c)) for k, (c, _) in enumerate(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"statuses": statuses, "latencies": latencies, "seconds": time.perf_counter() - began}


def rows_per_pair(app, ids: list[int], days: list[date]) -> dict[tuple[int, date], int]:
    from diary.extensions import db
    from diary.models import Entry

    with app.app_context():
        rows = db.session.execute(
            db.select(Entry.patient_id, Entry.day, db.func.count())
            .where(Entry.patient_id.in_(ids), Entry.day.in_(days))
            .group_by(Entry.patient_id, Entry.day)
        ).all()
        db.engine.dispose()
    return {(patient, day): count for patient, day, count in rows}


def bench_backend(name: str, url: str, args, logs: Path) -> dict:
    today = date.today()
    days = [today - timedelta(days=n) for n in range(args.days)]
    app = bench_app(url)
    seeded = seed_clinic(app, args.patients, 30, today, blank_recent=args.days)
    server = Server("diary:create_app()", app_env(url), args.workers, logs, f"contention-{name}")
    try:
        signed_in = [Client(server.port).login(email) for email in seeded["emails"]]
        for client in signed_in:
            client.read_csrf("/today")
        clients = []
        for k in range(args.clients):
            owner = signed_in[k % args.patients]
            copy = Client(server.port)
            copy.cookies, copy.csrf = dict(owner.cookies), owner.csrf
            clients.append((copy, seeded["ids"][k % args.patients]))
        alone = save_all(clients[:1], days, 2)  # the uncontended baseline: one browser, one save at a time
        contended = save_all(clients, days, args.saves)
        log = server.log_text()
    finally:
        server.stop()
    counts = rows_per_pair(app, seeded["ids"], days)
    return {
        "alone": alone,
        "contended": contended,
        "pairs": args.patients * args.days,
        "counts": counts,
        "locked": log.count("database is locked") + log.count("OperationalError"),
        "incidents": log.count("incident "),
    }


def report(name: str, result: dict) -> str:
    contended, alone = result["contended"], result["alone"]
    statuses = contended["statuses"] + alone["statuses"]
    five = sum(1 for s in statuses if s >= 500 or s == 0)
    other = sum(1 for s in statuses if s != 200) - five
    ms = [x * 1000 for x in contended["latencies"]]
    alone_ms = [x * 1000 for x in alone["latencies"]]
    counts = result["counts"]
    exact = len(counts) == result["pairs"] and all(c == 1 for c in counts.values())

    def say(ok: bool) -> str:
        return "met" if ok else "MISSED"

    p50, p95, base = percentile(ms, 50), percentile(ms, 95), percentile(alone_ms, 50)
    return "\n".join(
        [
            f"**{name}**: {len(contended['statuses'])} contended saves in {contended['seconds']:.1f} s"
            f" ({len(contended['statuses']) / contended['seconds']:.0f} saves/s); latency p50 {p50:.0f} ms,"
            f" p95 {p95:.0f} ms, against {base:.0f} ms for one save alone (p50 {p50 / base:.1f} × alone)",
            "",
            f'- zero "database is locked": {result["locked"]} database errors in the server log —'
            f" {say(result['locked'] == 0)}",
            f"- zero 5xx: {five} (and {other} other non-200) — {say(five == 0 and other == 0)}",
            f"- exactly one row per (patient, day): {len(counts)} of {result['pairs']} pairs stored,"
            f" most rows for one pair {max(counts.values(), default=0)} — {say(exact)}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--patients", type=int, default=5)
    parser.add_argument("--days", type=int, default=3, help="the same days everyone saves (default 3)")
    parser.add_argument("--saves", type=int, default=2, help="saves of each day per client (default 2)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args, started, where = start_run(parser)
    reports = []
    with tempfile.TemporaryDirectory(prefix="diary-bench-logs-") as folder:
        for name in args.backends.split(","):
            databases = {"sqlite": sqlite_database, "postgresql": postgres_database}
            with databases[name]() as url:
                text = report(name, bench_backend(name, url, args, Path(folder)))
            print("\n" + text + "\n", flush=True)
            reports.append(text)
    if not args.no_record:
        record(
            "contention.py",
            "Write path under contention",
            "\n".join(
                [
                    f"### {started}",
                    "",
                    f"Machine: {where}. Command: `{command_line()}`. gunicorn {args.workers} sync workers;"
                    f" {args.clients} clients over {args.patients} patients, each saving the same {args.days}"
                    f" days {args.saves} times.",
                    "",
                    "\n\n".join(reports),
                ]
            ),
        )
        print("Recorded in bench/RESULTS.md")


if __name__ == "__main__":
    main()
