"""Memory: a gunicorn worker's resident size after 200 and after 2,000 chart renders (no pyplot leak).

    .venv/bin/python bench/memory.py [--renders 2000] [--checkpoint 200]

A scratch SQLite database with a clinician and a patient with 180 days of entries, `gunicorn --workers 1
'diary:create_app()'`, and one signed-in clinician requesting chart PNGs one after another, each with a
chart name and window never asked for before, so every request really renders a chart. Only the first six
(the last 30 days) are a named window (diary/windows.py) and stored; the rest are drawn and not kept, which
the run reports (the chart cache cannot grow from a query string). The worker's VmRSS is read
from /proc after 20 renders (warm: fonts and matplotlib loaded), at the checkpoint and at the end.

Goal (issue 7): RSS after 2,000 renders within 10% of RSS after 200.
"""

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from common import (
    Client,
    Server,
    app_env,
    bench_app,
    command_line,
    record,
    rss_kib,
    seed_clinic,
    sqlite_database,
    start_run,
)

CHARTS = ("dryness", "sun", "mood", "skin", "dose", "labs")
GOAL = 0.10


def chart_path(patient_id: int, n: int, today: date) -> str:
    """The n-th distinct chart: every name, then windows that differ in start (and then end)."""
    name = CHARTS[n % len(CHARTS)]
    k = n // len(CHARTS)
    end = today - timedelta(days=k // 150)
    start = end - timedelta(days=29 + k % 150)
    return f"/clinic/patients/{patient_id}/charts/{name}.png?start={start}&end={end}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=2000)
    parser.add_argument("--checkpoint", type=int, default=200)
    args, started, where = start_run(parser)
    today = date.today()
    marks: dict[int, int] = {}
    with tempfile.TemporaryDirectory(prefix="diary-bench-logs-") as folder, sqlite_database() as url:
        app = bench_app(url)
        seeded = seed_clinic(app, 1, 180, today)
        patient = seeded["ids"][0]
        with Server("diary:create_app()", app_env(url), 1, Path(folder), "memory") as server:
            (worker,) = server.worker_pids()
            client = Client(server.port).login(seeded["clinician"])
            began = time.perf_counter()
            failures = 0
            for n in range(1, args.renders + 1):
                status, body, _ = client.get(chart_path(patient, n - 1, today))
                failures += status != 200 or not body.startswith(b"\x89PNG")
                if n in (20, args.checkpoint, args.renders):
                    marks[n] = rss_kib(worker)
                    print(f"  {n} renders: RSS {marks[n] / 1024:.1f} MiB", flush=True)
            seconds = time.perf_counter() - began
        from diary.extensions import db
        from diary.models import ChartImage

        with app.app_context():
            stored = db.session.scalar(db.select(db.func.count()).select_from(ChartImage))
            db.engine.dispose()
    first, last = marks[args.checkpoint], marks[args.renders]
    growth = (last - first) / first
    verdict = "met" if abs(growth) <= GOAL and failures == 0 else "MISSED"
    text = "\n".join(
        [
            "| renders | worker RSS MiB | × RSS at checkpoint |",
            "|---:|---:|---:|",
            *(f"| {n} | {kib / 1024:.1f} | {kib / first:.3f} |" for n, kib in sorted(marks.items())),
            "",
            f"{args.renders} renders in {seconds:.0f} s ({seconds / args.renders * 1000:.0f} ms each, request"
            f" included); {stored} charts stored (only named windows are kept), {failures} failed requests.",
            "",
            f"- RSS after {args.renders} within {GOAL:.0%} of RSS after {args.checkpoint}: {growth:+.1%} —"
            f" {verdict}",
        ]
    )
    print("\n" + text)
    if not args.no_record:
        record(
            "memory.py",
            "Memory under chart renders",
            f"### {started}\n\nMachine: {where}. Command: `{command_line()}`. gunicorn 1 sync worker, SQLite,"
            f" one clinician requesting distinct charts one after another.\n\n{text}",
        )
        print("\nRecorded in bench/RESULTS.md")


if __name__ == "__main__":
    main()
