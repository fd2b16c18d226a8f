"""The layers of the package: each blueprint (one per domain) imports the shared modules — diary/records,
diary/clinical, diary/models, diary/fields.py, … — and never another blueprint; the shared modules import no
blueprint (only diary/blueprints.py registers them); and every module imports on its own in a fresh
interpreter, so no import order hides a circular import."""

import ast
import subprocess  # nosec B404
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "diary"
REGISTERS_BLUEPRINTS = {PACKAGE / "blueprints.py"}


def blueprints() -> set[str]:
    """The packages under diary/ that define a Blueprint."""
    return {init.parent.name for init in PACKAGE.glob("*/__init__.py") if "Blueprint(" in init.read_text()}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def diary_imports(path: Path) -> set[str]:
    """Every diary module `path` imports, at the top or inside a function (`from diary import x` names x)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: a relative import"
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] == "diary"}


def blueprint_of(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 and parts[0] in blueprints() else None


def imported_blueprints(path: Path) -> set[str]:
    return {name.split(".")[1] for name in diary_imports(path) if name.count(".") >= 1} & blueprints()


def test_the_blueprints_are_found():
    assert {"account", "auth", "care", "clinic", "log", "sharing"} <= blueprints()


def test_no_blueprint_imports_another():
    crossings = [
        f"{path.relative_to(ROOT)} imports diary.{other}"
        for path in modules()
        if (own := blueprint_of(path))
        for other in sorted(imported_blueprints(path) - {own})
    ]
    assert crossings == []


def test_shared_modules_import_no_blueprint():
    upward = [
        f"{path.relative_to(ROOT)} imports diary.{name}"
        for path in modules()
        if blueprint_of(path) is None and path not in REGISTERS_BLUEPRINTS
        for name in sorted(imported_blueprints(path))
    ]
    assert upward == []


# Each module imported first, alone: sys.modules is emptied of diary's modules before each one.
IMPORT_EACH = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "diary" or m.startswith("diary.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc().strip().splitlines()[-1])
print("\\n".join(failed))
"""


def test_every_module_imports_first_in_a_fresh_interpreter():
    names = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__") for path in modules()
    ]
    result = subprocess.run(  # nosec B603
        [sys.executable, "-c", IMPORT_EACH, *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
