"""Memory: a gunicorn worker's resident size before and after 240 oversized, invalid saves of a day.

    .venv/bin/python bench/oversized.py [--posts 240] [--size 900000]

A scratch SQLite database with one patient, `gunicorn --workers 1 'diary:create_app()'`, and the signed-in
patient posting /today 240 times with a `sun_minutes` of ~900 KB that is not a number, each one different
(so a cache keyed by what was submitted would keep every one). Every post must be refused (422, or 413 once
over the form limit) and nothing stored. The worker's VmRSS is read after 20 ordinary saves (warm) and after
the oversized posts.

Goal (issue 12): RSS after the oversized posts within 10% of where it started.
"""

import argparse
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from common import (
    Client,
    Server,
    app_env,
    bench_app,
    command_line,
    day_form,
    record,
    rss_kib,
    seed_clinic,
    sqlite_database,
    start_run,
)

GOAL = 0.10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=240)
    parser.add_argument("--size", type=int, default=900_000)
    args, started, where = start_run(parser)
    today = date.today()
    with tempfile.TemporaryDirectory(prefix="diary-bench-logs-") as folder, sqlite_database() as url:
        app = bench_app(url)
        seeded = seed_clinic(app, 1, 30, today)
        with Server("diary:create_app()", app_env(url), 1, Path(folder), "oversized") as server:
            (worker,) = server.worker_pids()
            client = Client(server.port).login(seeded["emails"][0])
            client.read_csrf("/today")
            for n in range(20):
                assert client.post("/today", day_form(today, n))[0] == 200
                client.get("/today")
            before = rss_kib(worker)
            statuses: Counter[int] = Counter()
            marks = dict.fromkeys((args.posts // 10, args.posts // 2, args.posts), 0)
            began = time.perf_counter()
            for n in range(args.posts):
                junk = f"{n:06d}x" + "9" * (args.size - 7)
                status, _, _ = client.post("/today", {**day_form(today, 99), "sun_minutes": junk})
                statuses[status] += 1
                if n + 1 in marks:
                    marks[n + 1] = rss_kib(worker)
            seconds = time.perf_counter() - began
            after = marks[args.posts]
        from diary.extensions import db
        from diary.models import Entry

        with app.app_context():
            sun = db.session.scalar(db.select(Entry.sun_minutes).where(Entry.day == today))
            db.engine.dispose()
    growth = (after - before) / before
    refused = sum(count for status, count in statuses.items() if status in (413, 422))
    verdict = "met" if abs(growth) <= GOAL and refused == args.posts and sun == 30 else "MISSED"
    text = "\n".join(
        [
            "| when | worker RSS MiB | × warm |",
            "|---|---:|---:|",
            f"| warm (20 saves) | {before / 1024:.1f} | 1.000 |",
            *(
                f"| after {n} oversized posts | {kib / 1024:.1f} | {kib / before:.3f} |"
                for n, kib in marks.items()
            ),
            "",
            f"{args.posts} posts of {args.size / 1000:.0f} KB in {seconds:.1f} s; answers "
            + ", ".join(f"{count} × {status}" for status, count in sorted(statuses.items()))
            + f"; the day's stored sun minutes afterwards: {sun} (30 before).",
            "",
            f"- RSS after the oversized posts within {GOAL:.0%} of warm: {growth:+.1%} — {verdict}",
        ]
    )
    print("\n" + text)
    if not args.no_record:
        record(
            "oversized.py",
            "Memory under oversized invalid saves",
            f"### {started}\n\nMachine: {where}. Command: `{command_line()}`. gunicorn 1 sync worker, SQLite,"
            f" one patient posting oversized invalid days.\n\n{text}",
        )
        print("\nRecorded in bench/RESULTS.md")


if __name__ == "__main__":
    main()
