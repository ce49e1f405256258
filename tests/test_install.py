"""Installing newsloom as a user does: the built wheel, into a fresh virtual environment,
with the pip that this Python ships (23.2 for Python 3.11), from the package index pip is
configured with. Then the installed `newsloom` must run."""

from __future__ import annotations

import ast
import ensurepip
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from newsloom.demo.server import data_path, render_template

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _name(requirement: str) -> str:
    """The normalized distribution name of a requirement such as `httpx[http2]>=0.27`."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement)[0]).lower()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "-q", "-w", str(folder), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (built,) = folder.glob("newsloom-*.whl")
    yield built


def test_the_wheel_carries_every_template_static_file_translation_and_model(wheel: Path) -> None:
    """A plain `pip install` (not editable) must hold everything the portal reads."""
    packed = set(zipfile.ZipFile(wheel).namelist())
    wanted = [p.relative_to(ROOT).as_posix() for folder in (
        "newsloom/web/templates", "newsloom/web/static", "newsloom/templates",
        "newsloom/locale", "newsloom/demo/data") for p in (ROOT / folder).rglob("*")
        if p.is_file()]
    wanted += [f"newsloom/intel/{name}" for name in (
        "story_model.json", "encoder.onnx", "zh_names.txt", "zh_verbs.txt")]
    assert [w for w in wanted if w not in packed] == []


def test_every_imported_package_is_declared() -> None:
    """A package newsloom imports must be a dependency of its own (or of the optional
    feature that uses it), never present only because something else, or the dev extra,
    happens to pull it in."""
    imported: set[str] = set()
    for path in (ROOT / "newsloom").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"newsloom"}
    providers = packages_distributions()
    extras = PYPROJECT["optional-dependencies"]
    declared = {_name(r) for r in PYPROJECT["dependencies"]} | {
        _name(r) for extra, requirements in extras.items() if extra != "dev"
        for r in requirements}
    undeclared = {module: providers.get(module) for module in sorted(third_party)
                  if not any(_name(d) in declared for d in providers.get(module, [module]))}
    assert undeclared == {}
    assert not {_name(r) for r in PYPROJECT["dependencies"]} & {"hypothesis", "pytest"}


def _index_problem(venv_pip: Path, folder: Path) -> str:
    """Why packages cannot be installed here, or "" when pip's index answers."""
    probe = subprocess.run([str(venv_pip), "download", "--no-deps", "-q", "-d", str(folder),
                            "lxml_html_clean"], capture_output=True, text=True, timeout=300)
    return "" if probe.returncode == 0 else probe.stderr.strip().splitlines()[-1]


def test_wheel_installs_with_the_stock_pip_and_extracts(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip, newsloom = venv / "bin" / "pip", venv / "bin" / "newsloom"
    stock = subprocess.run([str(pip), "--version"], capture_output=True, text=True).stdout
    assert stock.startswith(f"pip {ensurepip.version()} "), stock  # not upgraded
    problem = _index_problem(pip, tmp_path / "probe")
    if problem:
        pytest.skip(f"no package index reachable for pip: {problem}")
    installed = subprocess.run([str(pip), "install", "-q", str(wheel)], capture_output=True,
                               text=True, timeout=1200)
    assert installed.returncode == 0, installed.stderr[-3000:]

    page = tmp_path / "page.html"
    page.write_text(render_template(
        (data_path() / "pages" / "scmp-hk-zhejiang-tech-firms.html").read_text(),
        "http://127.0.0.1:1"))
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("NEWSLOOM_", "DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env["NEWSLOOM_DATA_DIR"] = str(tmp_path / "data")
    version = subprocess.run([str(newsloom), "--version"], capture_output=True, text=True,
                             env=env, timeout=120)
    assert version.stdout.strip() == f"newsloom {PYPROJECT['version']}", version.stderr
    result = subprocess.run([str(newsloom), "extract", str(page), "--json"], cwd=tmp_path,
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads(result.stdout)
    assert record["title"].startswith("Hong Kong urged") and record["language"] == "en"
