"""Skin photos: a 12 MP phone JPEG uploaded 200 times to one gunicorn worker, against Pillow opening and
saving the same file bare in the same run; and the review page's weight with photos.

    .venv/bin/python bench/photos.py [--uploads 200] [--bare 20]

A scratch SQLite database, `gunicorn --workers 1 'photos_app:app'` (the app with the per-day, per-window and
storage limits lifted, bench/photos_app.py), one signed-in patient posting the same 4000 × 3000 JPEG (EXIF
with GPS and orientation, ~4 MB, as a phone sends it without JavaScript) to /photos/upload, one after
another. Measured:

- server CPU per photo: the worker's user + system time (/proc) over the uploads, divided by their number;
  against the CPU of `Image.open(file)` + `save(JPEG)` of the same bytes in this process (best of --bare);
- peak memory: the worker's peak RSS (VmHWM) above its RSS before the first upload, against the same for the
  bare open-and-save in a fresh interpreter;
- memory back: the worker's RSS after 200 uploads against after the first 10;
- the review page with a realistic set (6 sets of 3 views, shared) for the clinician: the HTML, CSS and
  JS before any image (raw and gzip), and the bytes of the six first/latest thumbnails (lazy-loaded).

Goals (issue 15): CPU per photo ≤ 1.5 × bare Pillow; RSS after 200 uploads within 10 % of after 10.
"""

import argparse
import gzip
import http.client
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from common import (
    ROOT,
    Client,
    Server,
    app_env,
    bench_app,
    command_line,
    percentile,
    record,
    rss_kib,
    seed_clinic,
    sqlite_database,
    start_run,
)

CPU_GOAL = 1.5
MEMORY_GOAL = 0.10
TICK = os.sysconf("SC_CLK_TCK")


def phone_jpeg() -> bytes:
    """A 12 MP photo as a phone writes it: textured (so it compresses like a photo), EXIF with GPS."""
    from PIL import Image, ImageFilter

    image = Image.effect_noise((4000, 3000), 40).convert("RGB").filter(ImageFilter.GaussianBlur(1.2))
    image = Image.blend(image, Image.new("RGB", image.size, (205, 150, 130)), 0.5)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def bare_cpu(data: bytes, runs: int) -> float:
    """Seconds of CPU for Pillow opening and saving `data` as JPEG, the best of `runs`."""
    from PIL import Image

    times = []
    for _ in range(runs):
        began = time.process_time()
        with Image.open(io.BytesIO(data)) as image:
            image.save(io.BytesIO(), "JPEG")
        times.append(time.process_time() - began)
    return min(times)


BARE_MEMORY = """
import io, sys
from PIL import Image
data = open(sys.argv[1], "rb").read()
def kib(field):
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith(field))
before = kib("VmRSS:")
with Image.open(io.BytesIO(data)) as image:
    image.save(io.BytesIO(), "JPEG")
print(before, kib("VmHWM:"))
"""


def bare_memory(path: Path) -> tuple[int, int]:
    """(RSS before, peak RSS) in KiB of a fresh interpreter opening and saving the file with Pillow."""
    out = subprocess.run([sys.executable, "-c", BARE_MEMORY, str(path)], capture_output=True, check=True)
    before, peak = out.stdout.split()
    return int(before), int(peak)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for {pid}")


def post_photo(client: Client, view: str, data: bytes) -> int:
    """POST the photo as a browser's multipart form does; the status."""
    boundary = uuid.uuid4().hex
    field = f"--{boundary}\r\nContent-Disposition: form-data; "
    parts = [
        f'{field}name="csrf_token"\r\n\r\n{client.csrf}\r\n'.encode(),
        f'{field}name="view"\r\n\r\n{view}\r\n'.encode(),
        f'{field}name="photo"; filename="IMG_0001.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode(),
        data,
        f"\r\n--{boundary}--\r\n".encode(),
    ]
    body = b"".join(parts)
    headers = {
        "Host": f"127.0.0.1:{client.port}",
        "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items()),
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=120)
    connection.request("POST", "/photos/upload", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def review_weight(server: Server, clinician: str, patient_email: str, patient_id: int, data: bytes) -> dict:
    """A patient's six months of photos (6 sets of 3 views), shared; what the clinician's review weighs."""
    patient = Client(server.port).login(patient_email)
    patient.read_csrf("/photos")
    for _set in range(6):
        for view in ("front", "left", "right"):
            assert post_photo(patient, view, data) == 302
    assert patient.post("/photos/share-all", {"shared": "1"})[0] == 302
    doctor = Client(server.port).login(clinician)
    status, html, _ = doctor.get(f"/clinic/patients/{patient_id}")
    assert status == 200
    page = html.decode()
    assets = [doctor.get(path)[1] for path in re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', page)]
    section = page[page.index('<section id="photos"') :]
    section = section[: section.index("</section>")]
    pairs = re.findall(r'<figure><a href="[^"]+"><img src="([^"]+)"', section)
    lazy = section.count('loading="lazy"'), section.count("<img ")
    thumbs = [doctor.get(path)[1] for path in pairs]
    return {
        "html": (len(html), gzipped(html)),
        "assets": (sum(map(len, assets)), sum(map(gzipped, assets))),
        "thumbs": [len(t) for t in thumbs],
        "lazy": lazy,
        "charts": page.count("/charts/"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--bare", type=int, default=20, help="bare Pillow runs (best taken)")
    args, started, where = start_run(parser)
    data = phone_jpeg()
    today = date.today()
    with tempfile.TemporaryDirectory(prefix="diary-bench-logs-") as folder, sqlite_database() as url:
        photo_path = Path(folder) / "phone.jpg"
        photo_path.write_bytes(data)
        bare = bare_cpu(data, args.bare)
        bare_before, bare_peak = bare_memory(photo_path)
        app = bench_app(url)
        seeded = seed_clinic(app, 2, 180, today)
        env = app_env(url, PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'bench'}")
        with Server("photos_app:app", env, 1, Path(folder), "photos") as server:
            (worker,) = server.worker_pids()
            client = Client(server.port).login(seeded["emails"][0])
            client.read_csrf("/photos")
            rss_before, cpu_before = rss_kib(worker), cpu_seconds(worker)
            statuses, wall = [], []
            after_10 = None
            for n in range(args.uploads):
                began = time.perf_counter()
                statuses.append(post_photo(client, ("front", "left", "right")[n % 3], data))
                wall.append(time.perf_counter() - began)
                if n + 1 == 10:
                    after_10 = rss_kib(worker)
            cpu = (cpu_seconds(worker) - cpu_before) / args.uploads
            rss_after, peak = rss_kib(worker), peak_kib(worker)
            weight = review_weight(server, seeded["clinician"], seeded["emails"][1], seeded["ids"][1], data)
            errors = [line for line in server.log_text().splitlines() if "Traceback" in line]
        from diary.extensions import db
        from diary.models import Photo

        with app.app_context():
            stored = db.session.scalar(
                db.select(db.func.avg(Photo.byte_size)).where(Photo.patient_id == seeded["ids"][0])
            )
            db.engine.dispose()
    ratio = cpu / bare
    growth = (rss_after - after_10) / after_10
    kept = statuses.count(302)
    cpu_verdict = "met" if ratio <= CPU_GOAL else "MISSED"
    memory_verdict = "met" if abs(growth) <= MEMORY_GOAL and kept == args.uploads else "MISSED"
    thumbs = weight["thumbs"]
    text = "\n".join(
        [
            f"### {started}",
            "",
            f"{where}; `{command_line()}`; SQLite, 1 sync gunicorn worker, the machine shared with other",
            "helpers' test suites (CPU times are the worker's own, less disturbed than wall times).",
            "",
            f"The photo: 4000 × 3000 JPEG (synthetic: textured noise), {len(data) / 1e6:.2f} MB, EXIF with "
            f"GPS and orientation 6; kept as 1200 × 1600 + thumbnail, {stored / 1e3:.0f} KB on average.",
            "",
            "| measure | upload through the app | bare Pillow open + save | × bare | goal |",
            "|---|---:|---:|---:|---|",
            f"| CPU per photo | {cpu * 1000:.0f} ms | {bare * 1000:.0f} ms | {ratio:.2f} | ≤ {CPU_GOAL} × "
            f"({cpu_verdict}) |",
            f"| peak RSS above the start | {(peak - rss_before) / 1024:.1f} MiB (peak {peak / 1024:.1f}) | "
            f"{(bare_peak - bare_before) / 1024:.1f} MiB (peak {bare_peak / 1024:.1f}) | "
            f"{(peak - rss_before) / max(1, bare_peak - bare_before):.2f} | – |",
            "",
            f"{kept} of {args.uploads} uploads kept (302); wall time per upload median "
            f"{statistics.median(wall) * 1000:.0f} ms, p95 {percentile(wall, 95) * 1000:.0f} ms; "
            f"{len(errors)} tracebacks in the server log.",
            "",
            "| worker RSS | MiB | × after 10 |",
            "|---|---:|---:|",
            f"| before the first upload | {rss_before / 1024:.1f} | {rss_before / after_10:.3f} |",
            f"| after 10 uploads | {after_10 / 1024:.1f} | 1.000 |",
            f"| after {args.uploads} uploads | {rss_after / 1024:.1f} | {rss_after / after_10:.3f} "
            f"({memory_verdict}: goal within {MEMORY_GOAL:.0%}) |",
            "",
            "The clinician's review with photos (6 sets of the 3 views, all shared): "
            f"HTML {weight['html'][0] / 1e3:.1f} KB ({weight['html'][1] / 1e3:.1f} KB gzip), CSS + JS "
            f"{weight['assets'][0] / 1e3:.1f} KB ({weight['assets'][1] / 1e3:.1f} KB gzip) before any image; "
            f"the six first/latest thumbnails {sum(thumbs) / 1e3:.1f} KB "
            f"({', '.join(f'{t / 1e3:.1f}' for t in thumbs)} KB), {weight['lazy'][0]} of "
            f"{weight['lazy'][1]} photo images lazy-loaded (the four between each pair in a strip); the "
            f"page's {weight['charts']} chart images are not counted here.",
        ]
    )
    print(text)
    if not args.no_record:
        record("photos.py", "Skin photos: upload cost and the review's weight", text)


if __name__ == "__main__":
    main()
