"""The application's version: half of every database cache's key (the patient's data_version is the other).

A stored chart or patient-list row was computed by some code from some data. The database moves a patient's
`users.data_version` on every change to their data (migration 0003's triggers); APP_VERSION moves with the
code. A stored result whose (data_version, APP_VERSION) differs from today's is stale: nothing else decides.

APP_VERSION is the deployed revision when the environment names one (DIARY_REVISION, e.g. the git commit the
deploy checked out), else a digest of every .py file of this package, computed once at import. Every worker
of one deploy computes the same value; any change to any module (a rule, a threshold, a chart's drawing)
gives another.
"""

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def app_version(environ: Mapping[str, str] = os.environ, package_dir: Path = PACKAGE_DIR) -> str:
    """DIARY_REVISION if set, else the first 16 hex digits of a digest of the package's Python sources."""
    revision = environ.get("DIARY_REVISION", "").strip()
    if revision:
        return revision
    digest = hashlib.sha256()
    for source in sorted(package_dir.rglob("*.py")):
        # The path too: moving code between modules is a change of code.
        digest.update(source.relative_to(package_dir).as_posix().encode() + b"\0")
        digest.update(source.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


APP_VERSION = app_version()
