"""HTTP load against gunicorn on loopback, on SQLite and on PostgreSQL, beside a baseline in the same run.

    .venv/bin/python bench/http.py [--seconds 6] [--rounds 3] [--clients 16] [--backends sqlite,postgresql]

For each backend: a scratch database (SQLite file in a temporary directory; PostgreSQL database created on
the local server and dropped afterwards), migrated with `flask db upgrade`, seeded with a clinician and 16
patients sharing with them (180-day courses, entries up to 8 days ago, monthly check-ins and labs), then
`gunicorn --workers 2 served_app:app` (FLASK_CONFIG=development: the app, plus the baseline route
/bench/baseline, bench/served_app.py) and `gunicorn --workers 2 baseline_app:app` (the same baseline page in
a bare Flask app, for reference) side by side.

Load: `--clients` threads, each a browser with a keep-alive connection (gunicorn's sync workers close it
after each response, as they would behind a proxy) and its own session cookie, as fast as answers come
(closed loop). Each round runs these phases back to back, `--seconds` each:
- bare       GET /                on the bare Flask app (bench/baseline_app.py): Flask's own floor;
- baseline   GET /bench/baseline  the issue's baseline: a minimal route of the app, in the same server,
                                  rendering a template of /today's size and shape from memory;
- today      GET /today           each client signed in as its own patient;
- save       POST /today          a real CSRF token; client k saves days today-0 … today-7 in turn, for its
                                  own patient, with answers that change each time; the (patient, day) pairs
                                  sent are counted;
- paced      POST /today          the same saves from the same 16 clients, but each sending on a steady clock
                                  (`--paced-rate` saves/s in all) instead of the moment its last answer
                                  came: latency at a stated load rather than at saturation, measured from
                                  when each save was due (so a queue behind a slow one counts against it);
- review     GET /clinic/patients/<id>  16 clinician sessions, cycling through the patients;
- chart      GET …/charts/mood.png      a chart warmed just before the phase (cache hit).
Ratios are taken within a round (baseline and the app a few seconds apart) and the median reported: this
machine is shared and noisy, so absolute figures drift while ratios hold.

Goals (issue 7): GET /today ≥ 0.5 × baseline rps (the route in the same server; × bare is reported too);
POST p95 < 50 ms; zero errors; afterwards stored entries == distinct (patient, day) saves sent.
"""

import argparse
import re
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from common import (
    ROOT,
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

GOAL_RATIO = 0.5
GOAL_POST_P95_MS = 50.0
EDIT_DAYS = 8  # today and the 7 days before it
PHASES = ("bare", "baseline", "today", "save", "paced", "review", "chart")
CHART_PATIENTS = 4


class Phase:
    """What one phase of one round measured."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.seconds = 0.0
        self.lock = threading.Lock()

    @property
    def rps(self) -> float:
        return (len(self.latencies) + len(self.errors)) / self.seconds if self.seconds else 0.0


def run_phase(
    clients: list[Client],
    request: Callable[[int, Client, int], str | None],
    seconds: float,
    interval: float | None = None,
) -> Phase:
    """Every client sends requests back to back for `seconds` (or, with `interval`, one every `interval`
    seconds, staggered, latency counted from when each was due); `request` returns an error text or None."""
    phase = Phase()
    barrier = threading.Barrier(len(clients) + 1)
    stop_at = [0.0]

    def work(k: int, client: Client) -> None:
        barrier.wait()
        n = 0
        due = time.perf_counter() + (interval * k / len(clients) if interval else 0.0)
        while time.perf_counter() < stop_at[0]:
            if interval:
                time.sleep(max(0.0, due - time.perf_counter()))
                started, due = due, due + interval
            else:
                started = time.perf_counter()
            try:
                error = request(k, client, n)
            except Exception as exc:  # noqa: BLE001 - a failed request is a measured error, not a crash
                error = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - started
            with phase.lock:
                (phase.errors.append(error) if error else phase.latencies.append(elapsed))
            n += 1

    threads = [threading.Thread(target=work, args=(k, c), daemon=True) for k, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - began
    return phase


def expect(status: int, wanted: int = 200, what: str = "") -> str | None:
    return None if status == wanted else f"{what} answered {status}"


def sign_in_all(port: int, emails: list[str]) -> list[Client]:
    """Sign the clients in concurrently (argon2 makes each sign-in cost a good fraction of a second)."""
    clients = [Client(port) for _ in emails]
    threads = [threading.Thread(target=c.login, args=(e,)) for c, e in zip(clients, emails, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.read_csrf("/today")
    return clients


def copies_of(client: Client, count: int) -> list[Client]:
    """`count` browsers sharing one signed-in session (tabs of one clinician)."""
    copies = []
    for _ in range(count):
        copy = Client(client.port)
        copy.cookies = dict(client.cookies)
        copy.csrf = client.csrf
        copies.append(copy)
    return copies


def bench_backend(name: str, url: str, args, bare: Server, logs: Path) -> dict:
    today = date.today()
    app = bench_app(url)
    seeded = seed_clinic(app, args.clients, 180, today, blank_recent=EDIT_DAYS)
    env = app_env(url, PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}")
    server = Server("served_app:app", env, 2, logs, f"app-{name}")
    try:
        patients = sign_in_all(server.port, seeded["emails"])
        doctor = Client(server.port).login(seeded["clinician"])
        doctor.read_csrf("/clinic/")
        doctors = copies_of(doctor, args.clients)
        ids = seeded["ids"]
        review_paths = [f"/clinic/patients/{pid}" for pid in ids]
        status, body, _ = doctor.get(review_paths[0])
        chart_src = re.search(r'src="(/clinic/patients/\d+/charts/mood\.png\?[^"]+)"', body.decode())
        if status != 200 or not chart_src:
            raise RuntimeError(f"review page answered {status} without a mood chart")
        query = chart_src.group(1).split("?", 1)[1].replace("&amp;", "&")
        chart_paths = [f"/clinic/patients/{pid}/charts/mood.png?{query}" for pid in ids[:CHART_PATIENTS]]
        sent_pairs: set[tuple[int, date]] = set()
        pairs_lock = threading.Lock()

        def get_bare(k, c, n):
            return expect(c.get("/")[0], what="bare Flask app")

        def get_baseline(k, c, n):
            return expect(c.get("/bench/baseline")[0], what="baseline")

        def get_today(k, c, n):
            return expect(c.get("/today")[0], what="GET /today")

        def post_today(k, c, n):
            day = today - timedelta(days=(n + k) % EDIT_DAYS)
            with pairs_lock:
                sent_pairs.add((ids[k], day))
            return expect(c.post("/today", day_form(day, n))[0], what=f"POST /today {day}")

        def get_review(k, c, n):
            return expect(c.get(review_paths[(k + n) % len(review_paths)])[0], what="review")

        def get_chart(k, c, n):
            status, content, headers = c.get(chart_paths[(k + n) % len(chart_paths)])
            if status == 200 and not content.startswith(b"\x89PNG"):
                return "chart is not a PNG"
            return expect(status, what="chart")

        bare_clients = [Client(bare.port) for _ in range(args.clients)]
        baseline_clients = [Client(server.port) for _ in range(args.clients)]
        rounds: list[dict[str, Phase]] = []
        for round_number in range(args.rounds):
            phases = {"bare": run_phase(bare_clients, get_bare, args.seconds)}
            phases["baseline"] = run_phase(baseline_clients, get_baseline, args.seconds)
            phases["today"] = run_phase(patients, get_today, args.seconds)
            phases["save"] = run_phase(patients, post_today, args.seconds)
            interval = len(patients) / args.paced_rate
            phases["paced"] = run_phase(patients, post_today, args.seconds, interval=interval)
            phases["review"] = run_phase(doctors, get_review, args.seconds)
            for path in chart_paths:  # warm: the saves just changed every patient's data
                doctor.get(path)
            phases["chart"] = run_phase(doctors, get_chart, args.seconds)
            rounds.append(phases)
            print(
                f"  {name} round {round_number + 1}: "
                + ", ".join(f"{p} {phases[p].rps:.0f} rps" for p in PHASES),
                flush=True,
            )
        stored = count_recent_entries(app, ids, today)
        log = server.log_text()
    finally:
        server.stop()
        with app.app_context():
            from diary.extensions import db

            db.engine.dispose()
    return {
        "rounds": rounds,
        "distinct_saves": len(sent_pairs),
        "stored": stored,
        "log_errors": len(re.findall(r"incident \w+:", log)),
        "locked": log.count("database is locked") + log.count("OperationalError"),
        "log_excerpt": first_incident(log),
        "paced_rate": args.paced_rate,
    }


def first_incident(log: str) -> str:
    """The first incident in a server log: its line and the frames after it (no messages are logged)."""
    lines = log.splitlines()
    for index, line in enumerate(lines):
        if re.search(r"incident \w+:", line):
            return "\n".join(lines[index : index + 40])
    return ""


def count_recent_entries(app, ids: list[int], today: date) -> int:
    from diary.extensions import db
    from diary.models import Entry

    with app.app_context():
        return db.session.scalar(
            db.select(db.func.count())
            .select_from(Entry)
            .where(Entry.patient_id.in_(ids), Entry.day > today - timedelta(days=EDIT_DAYS))
        )


def summarise(result: dict) -> dict:
    rows = {}
    for phase in PHASES:
        measured = [r[phase] for r in result["rounds"]]
        latencies = [x * 1000 for m in measured for x in m.latencies]
        ratios = [r[phase].rps / r["baseline"].rps for r in result["rounds"] if r["baseline"].rps]
        bare = [r[phase].rps / r["bare"].rps for r in result["rounds"] if r["bare"].rps]
        rows[phase] = {
            "rps": statistics.median(m.rps for m in measured),
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "requests": sum(len(m.latencies) + len(m.errors) for m in measured),
            "errors": sum(len(m.errors) for m in measured),
            "first_error": next((e for m in measured for e in m.errors), ""),
            "ratio": statistics.median(ratios) if ratios else float("nan"),
            "bare_ratio": statistics.median(bare) if bare else float("nan"),
        }
    return rows


LABELS = {
    "bare": "bare Flask app GET / (bench/baseline_app.py)",
    "baseline": "baseline GET /bench/baseline (same server)",
    "today": "GET /today",
    "save": "POST /today (save), closed loop",
    "paced": "POST /today (save), paced",
    "review": "GET /clinic/patients/<id> (review)",
    "chart": "GET …/charts/mood.png (warm)",
}


def table(rows: dict) -> str:
    lines = [
        "| request | rps (median of rounds) | × baseline rps | × bare Flask rps | p50 ms | p95 ms | requests"
        " | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for phase, r in rows.items():
        lines.append(
            f"| {LABELS[phase]} | {r['rps']:.0f} | {r['ratio']:.2f} | {r['bare_ratio']:.2f} | {r['p50']:.1f}"
            f" | {r['p95']:.1f}"
            f" | {r['requests']} | {r['errors']} |"
        )
    return "\n".join(lines)


def verdicts(rows: dict, result: dict) -> list[str]:
    def say(ok: bool) -> str:
        return "met" if ok else "MISSED"

    errors = sum(r["errors"] for r in rows.values())
    ratio, p95, paced = rows["today"]["ratio"], rows["save"]["p95"], rows["paced"]["p95"]
    saturated = rows["save"]["rps"]
    saves = rows["save"]["requests"] + rows["paced"]["requests"]
    lines = [
        f"- GET /today ≥ {GOAL_RATIO} × baseline rps: {ratio:.2f} × — {say(ratio >= GOAL_RATIO)}"
        + ("" if ratio >= GOAL_RATIO else f" (short by {GOAL_RATIO / ratio:.1f}×)")
        + f"; against the bare Flask app {rows['today']['bare_ratio']:.2f} ×",
        f"- POST /today p95 < {GOAL_POST_P95_MS:.0f} ms, closed loop (each client sends again once"
        f" answered, so latency ≈ clients ÷ {saturated:.0f} saves/s): {p95:.1f} ms —"
        f" {say(p95 < GOAL_POST_P95_MS)}",
        f"- POST /today p95 < {GOAL_POST_P95_MS:.0f} ms at {result['paced_rate']:g} saves/s from the same"
        f" clients ({rows['paced']['rps']:.0f} sent/s): {paced:.1f} ms — {say(paced < GOAL_POST_P95_MS)}",
        f"- zero errors: {errors} error responses, {result['log_errors']} incidents and {result['locked']}"
        f" database errors in the server log — {say(errors == 0 and result['log_errors'] == 0)}",
        f"- stored entries == distinct (patient, day) saves sent: {result['stored']} stored,"
        f" {result['distinct_saves']} distinct of {saves} saves —"
        f" {say(result['stored'] == result['distinct_saves'])}",
    ]
    first = next((r["first_error"] for r in rows.values() if r["first_error"]), "")
    if first:
        lines.append(f"- first error: {first}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each phase (default 6)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all phases (default 3)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated (default both)")
    parser.add_argument(
        "--paced-rate", type=float, default=100.0, help="saves per second in all in the paced phase (100)"
    )
    args, started, where = start_run(parser)
    reports = []
    with tempfile.TemporaryDirectory(prefix="diary-bench-logs-") as folder:
        logs = Path(folder)
        env = app_env("sqlite://", PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}")
        with Server("baseline_app:app", env, 2, logs, "bare") as bare:
            for name in args.backends.split(","):
                databases = {"sqlite": sqlite_database, "postgresql": postgres_database}
                with databases[name]() as url:
                    result = bench_backend(name, url, args, bare, logs)
                rows = summarise(result)
                report = "\n".join([f"**{name}**", "", table(rows), "", *verdicts(rows, result)])
                print("\n" + report + "\n", flush=True)
                if result["log_excerpt"]:
                    print("First incident in the server log:\n" + result["log_excerpt"], flush=True)
                reports.append(report)
    if not args.no_record:
        text = "\n".join(
            [
                f"### {started}",
                "",
                f"Machine: {where}. Command: `{command_line()}`. gunicorn 2 sync workers per app,"
                f" {args.clients} clients, {args.rounds} rounds × {args.seconds:g} s per phase.",
                "",
                "\n\n".join(reports),
            ]
        )
        record("http.py", "HTTP under load", text)
        print("Recorded in bench/RESULTS.md")


if __name__ == "__main__":
    main()
