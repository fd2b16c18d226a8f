"""The application's version, half of every database cache's key: the deployed revision, else a digest of the
package's code, so any change to any module makes every stored chart and patient-list row stale."""

import shutil
from pathlib import Path

import diary
from diary.version import app_version

PACKAGE = Path(diary.__file__).resolve().parent


def test_the_deployed_revision_names_the_version():
    assert app_version({"DIARY_REVISION": "4f1c2e9"}) == "4f1c2e9"


def test_without_a_revision_the_version_is_a_digest_of_the_running_code(monkeypatch):
    monkeypatch.delenv("DIARY_REVISION", raising=False)
    assert app_version({}) == app_version({"DIARY_REVISION": "  "}) == app_version(package_dir=PACKAGE)
    assert len(app_version({})) == 16


def test_a_change_to_any_module_is_a_new_version(tmp_path):
    copy = tmp_path / "diary"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = app_version({}, copy)
    assert app_version({}, copy) == before  # the same code, the same version
    # A clinical threshold, far from the chart and patient-list code that stores what it computed.
    thresholds = copy / "clinical" / "thresholds.py"
    thresholds.write_text(thresholds.read_text() + "\n# a changed rule\n")
    after_rule = app_version({}, copy)
    (copy / "clinical" / "extra.py").write_text("")
    assert len({before, after_rule, app_version({}, copy)}) == 3
