"""Packaging stays consistent: pyproject.toml, environment.yml and binder/ agree.

A Binder link, a conda user and a pip user must all get the same compatible
majors (ipywidgets 8, plotly 7, voila 0.5, jupyterlab 4, anywidget 0.x), and
Binder must install the package itself. The slow test asks repo2docker for the
image spec it would build (``--no-build --debug`` prints the Dockerfile; no
Docker daemon is needed) and checks it installs the package.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"

#: The compatible majors pinned together (DESIGN.md, issue 2): name -> (a
#: version that must be allowed, versions that must be refused).
MAJORS = {
    "ipywidgets": ("8.1.5", ["7.8.5", "9.0.0"]),
    "plotly": ("7.0.0", ["6.5.0", "8.0.0"]),
    "voila": ("0.5.8", ["0.4.6", "0.6.0"]),
    "jupyterlab": ("4.2.0", ["3.6.8", "5.0.0"]),
    "anywidget": ("0.9.13", ["0.8.0", "1.0.0"]),
}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def runtime_requirements() -> dict[str, Requirement]:
    reqs = [Requirement(r) for r in pyproject()["project"]["dependencies"]]
    return {canonicalize_name(r.name): r for r in reqs}


def binder_python() -> Version:
    text = (BINDER / "runtime.txt").read_text().strip()
    m = re.fullmatch(r"python-(\d+)\.(\d+)(?:\.\d+)?", text)
    assert m, f"binder/runtime.txt should read like 'python-3.11', got {text!r}"
    return Version(f"{m.group(1)}.{m.group(2)}")


def needed_on(req: Requirement, python: Version) -> bool:
    """Whether ``req`` applies on ``python`` (e.g. tomli only below 3.11)."""
    if req.marker is None:
        return True
    env = default_environment()
    env.update(python_version=str(python), python_full_version=f"{python}.0")
    return req.marker.evaluate(env)


LOCKS = {"runtime": ROOT / "requirements" / "runtime.txt", "test": ROOT / "requirements" / "test.txt"}
#: Pythons the lock must serve: pyproject's requires-python floor up to the newest
#: CPython this lock was checked on here.
LOCK_PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


def read_lock(path: Path) -> list[tuple[Requirement, list[str]]]:
    """A pip requirements file with hashes, as (requirement, ["sha256:..."]) per entry."""
    out = []
    for line in path.read_text().replace("\\\n", " ").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("-"), f"{path.name}: unexpected pip option line {line!r}"
        head, *hashes = line.split("--hash=")
        out.append((Requirement(head.strip()), [h.strip() for h in hashes]))
    return out


def environment(python: str, platform: str = "linux") -> dict:
    """Marker values for ``python`` ("3.11" means 3.11.0; "3.11.7" as given) on ``platform``."""
    full = python if python.count(".") == 2 else f"{python}.0"
    env = default_environment()
    env.update(python_version=".".join(full.split(".")[:2]), python_full_version=full, sys_platform=platform)
    if platform == "win32":
        env.update(os_name="nt", platform_system="Windows")
    elif platform == "darwin":
        env.update(os_name="posix", platform_system="Darwin")
    return env


def pins(path: Path, python: str, platform: str = "linux") -> dict[str, Version]:
    """The version each locked package gets on that Python and platform."""
    out: dict[str, Version] = {}
    for req, _ in read_lock(path):
        if req.marker is not None and not req.marker.evaluate(environment(python, platform)):
            continue
        name = canonicalize_name(req.name)
        (spec,) = list(req.specifier)
        assert name not in out, f"{path.name}: {name} pinned twice on Python {python} ({platform})"
        out[name] = Version(spec.version)
    return out


def binder_requirements() -> dict[str, Requirement]:
    return {
        canonicalize_name(r.name): r for r, _ in read_lock(BINDER / "requirements.txt") if needed_on(r, binder_python())
    }


def environment_yml() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def conda_requirements() -> tuple[dict[str, SpecifierSet], list[str]]:
    """Conda match specs (``name>=a,<b``) as specifier sets, and the pip section."""
    specs, pip = {}, []
    for dep in environment_yml()["dependencies"]:
        if isinstance(dep, dict):
            pip += dep.get("pip", [])
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", dep.strip())
        assert m, f"environment.yml: cannot read dependency {dep!r}"
        name, spec = m.group(1), m.group(2).replace(" ", "")
        if spec and spec[0].isdigit():  # conda's bare "3.11" means ==3.11.*
            spec = f"=={spec}" if "*" in spec else f"=={spec}.*"
        specs[canonicalize_name(name)] = SpecifierSet(spec)
    return specs, pip


# --- pyproject itself --------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MAJORS))
def test_pyproject_pins_compatible_majors(name):
    reqs = runtime_requirements()
    assert name in reqs, f"pyproject.toml: runtime dependency {name} missing"
    allowed, refused = MAJORS[name]
    spec = reqs[name].specifier
    assert spec.contains(allowed), f"{name}{spec} should allow {allowed}"
    for v in refused:
        assert not spec.contains(v), f"{name}{spec} should refuse {v} (pin the compatible major)"


def test_pyproject_has_the_rest_of_the_runtime():
    reqs = runtime_requirements()
    assert {"numpy", "ipykernel"} <= set(reqs)
    # Runtime stays light: heavy scientific and test tools are test-only.
    for heavy in ("scipy", "pandas", "pytest", "playwright", "jupyter-repo2docker"):
        assert heavy not in reqs, f"{heavy} must not be a runtime dependency"
    test_extra = {
        canonicalize_name(Requirement(r).name) for r in pyproject()["project"]["optional-dependencies"]["test"]
    }
    for needed in ("pytest", "nbval", "playwright", "hypothesis", "axe-playwright-python", "jupyter-repo2docker"):
        assert needed in test_extra, f"extra [test] lacks {needed}"


def test_installed_versions_satisfy_pyproject():
    """The environment the tests run in is one pyproject allows."""
    for name, req in runtime_requirements().items():
        if not needed_on(req, Version(f"{sys.version_info.major}.{sys.version_info.minor}")):
            continue
        installed = metadata.version(name)
        assert req.specifier.contains(installed, prereleases=True), (
            f"{name} {installed} installed, pyproject wants {req.specifier}"
        )


def test_console_script_runback():
    scripts = pyproject()["project"]["scripts"]
    assert scripts.get("runback") == "runback_widgets.cli:main"
    eps = [ep for ep in metadata.entry_points(group="console_scripts") if ep.name == "runback"]
    assert eps, "console script `runback` is not installed (pip install -e .)"
    assert callable(eps[0].load())
    exe = Path(sys.executable).with_name("runback")
    assert exe.exists() or shutil.which("runback"), "the `runback` executable is not on PATH"


# --- the lock (requirements/*.txt, `make lock`) --------------------------------


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_lock_pins_every_package_exactly_with_hashes(lock):
    entries = read_lock(LOCKS[lock])
    assert len(entries) > 20, f"{lock} lock looks empty"
    for req, hashes in entries:
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{lock} lock: {req} is not an exact pin"
        assert hashes, f"{lock} lock: {req.name} has no hash (pip --require-hashes would refuse it)"
        for h in hashes:
            assert re.fullmatch(r"sha256:[0-9a-f]{64}", h), f"{lock} lock: {req.name}: odd hash {h!r}"


@pytest.mark.parametrize("python", LOCK_PYTHONS)
@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_lock_satisfies_pyproject_ranges(lock, python):
    """Every dependency pyproject declares is pinned, inside its range, on every supported Python."""
    wanted = [Requirement(r) for r in pyproject()["project"]["dependencies"]]
    if lock == "test":
        wanted += [Requirement(r) for r in pyproject()["project"]["optional-dependencies"]["test"]]
    assert SpecifierSet(pyproject()["project"]["requires-python"]).contains(python)
    for platform in ("linux", "darwin", "win32"):
        pinned = pins(LOCKS[lock], python, platform)
        for req in wanted:
            if req.marker is not None and not req.marker.evaluate(environment(python, platform)):
                continue
            name = canonicalize_name(req.name)
            assert name in pinned, f"{lock} lock has no {name} for Python {python} on {platform}"
            assert req.specifier.contains(pinned[name], prereleases=True), (
                f"{lock} lock pins {name}=={pinned[name]} on Python {python}; pyproject wants {req.specifier}"
            )


@pytest.mark.parametrize("python", LOCK_PYTHONS)
def test_test_lock_keeps_the_runtime_locks_versions(python):
    """`make test` and `make serve` run the same versions of the dashboards' dependencies."""
    runtime, test = pins(LOCKS["runtime"], python), pins(LOCKS["test"], python)
    differ = {n: (str(v), str(test.get(n))) for n, v in runtime.items() if test.get(n) != v}
    assert not differ, f"Python {python}: runtime vs test lock versions differ: {differ}"


def test_installed_versions_are_the_locks():
    """The environment the tests run in was installed from the lock (as `make test` does)."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" not in LOCK_PYTHONS:
        pytest.skip(f"the lock is checked for Pythons {LOCK_PYTHONS}")
    wrong = {}
    python = ".".join(str(n) for n in sys.version_info[:3])
    for name, version in pins(LOCKS["test"], python, sys.platform).items():
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            wrong[name] = (str(version), None)
            continue
        if installed != version:
            wrong[name] = (str(version), str(installed))
    assert not wrong, (
        f"installed versions differ from requirements/test.txt (lock, installed): {wrong}; run `make test`"
    )


def _make_dry_run(tmp_path: Path, target: str, installed_at: float) -> str:
    """`make -n TARGET` in a copy of the Makefile, pyproject.toml and the locks.

    pyproject.toml is dated t=0, the locks t=100 (a lock refreshed by `make
    lock` with pyproject unchanged) and the stand-in venv's stamps ``installed_at``.
    """
    for f in ["Makefile", "pyproject.toml", *(p.relative_to(ROOT) for p in LOCKS.values())]:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, tmp_path / f)
    t0 = time.time() - 1000
    os.utime(tmp_path / "pyproject.toml", (t0, t0))
    for lock in LOCKS.values():
        os.utime(tmp_path / lock.relative_to(ROOT), (t0 + 100, t0 + 100))
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    os.utime(venv / "bin" / "python", (t0 - 100, t0 - 100))
    for stamp in (".runback-base", ".runback-test"):
        (venv / stamp).write_text("")
        os.utime(venv / stamp, (t0 + installed_at, t0 + installed_at))
    res = subprocess.run(
        ["make", "-n", "VENV=venv", f"venv/{target}"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 0, res.stderr
    return res.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target, lock", [(".runback-base", "runtime"), (".runback-test", "test")])
def test_make_installs_from_the_lock_and_reinstalls_when_it_changes(tmp_path, target, lock):
    (tmp_path / "stale").mkdir()
    out = _make_dry_run(tmp_path / "stale", target, installed_at=50)  # the lock changed since
    rel = LOCKS[lock].relative_to(ROOT)
    assert re.search(rf"pip .*install --require-hashes -r {re.escape(str(rel))}", out), out
    assert re.search(r"pip .*install --no-deps -e \.", out), out
    assert out.index("--require-hashes") < out.index("--no-deps"), out
    (tmp_path / "fresh").mkdir()
    fresh = _make_dry_run(tmp_path / "fresh", target, installed_at=150)  # installed after the last change
    assert "pip" not in fresh, fresh


def test_make_lock_is_documented():
    text = (ROOT / "Makefile").read_text()
    assert re.search(r"^lock:", text, re.M)
    assert "make lock" in (ROOT / "README.md").read_text()


# --- binder/ -------------------------------------------------------------------


def test_binder_runtime_pins_python_311_or_newer():
    py = binder_python()
    assert py >= Version("3.11"), f"binder/runtime.txt pins {py}; repo2docker would pick 3.10 without it"
    assert SpecifierSet(pyproject()["project"]["requires-python"]).contains(str(py))


def test_binder_requirements_match_pyproject():
    """Exact pins (repo2docker's advice for reproducible images) inside pyproject's ranges."""
    binder = binder_requirements()
    py = binder_python()
    for name, req in runtime_requirements().items():
        if not needed_on(req, py):
            continue
        assert name in binder, f"binder/requirements.txt lacks runtime dependency {name}"
        (spec,) = list(binder[name].specifier)
        assert spec.operator == "==", f"binder/requirements.txt: {binder[name]} is not an exact pin"
        assert req.specifier.contains(spec.version), (
            f"binder pins {name}=={spec.version}, pyproject wants {req.specifier}"
        )


def test_binder_requirements_are_the_runtime_lock():
    res = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "binder_requirements.py"), "--check"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr


def test_binder_postbuild_installs_the_package():
    post = BINDER / "postBuild"
    assert post.is_file()
    assert os.access(post, os.X_OK), "binder/postBuild must be executable"
    text = post.read_text()
    assert text.startswith("#!/bin/bash")
    assert "set -e" in text
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert re.search(r"pip install\b", code), "postBuild does not pip install anything"
    # Installs the repository (directly, or from a writable copy of it).
    assert re.search(r"pip install[^\n]*\s\.(\s|$)", code) or re.search(r"cp -r \. ", code), code
    assert "import runback_widgets" in code, "postBuild should check the package imports"
    # ... and configures the image's Jupyter server (tests/browser/test_binder_server.py
    # runs that configuration in a real server and browser).
    assert re.search(r"runback_widgets\.cli configure-jupyter|runback configure-jupyter", code), code


# --- environment.yml -------------------------------------------------------------


def test_environment_yml_uses_conda_forge():
    env = environment_yml()
    assert env["channels"] == ["conda-forge"]
    assert env.get("name") == "runback"


def test_environment_yml_matches_pyproject():
    specs, pip = conda_requirements()
    assert "python" in specs
    py_spec = specs["python"]
    assert py_spec.contains("3.11") and not py_spec.contains("3.10"), f"environment.yml python{py_spec}"
    for name, req in runtime_requirements().items():
        if not needed_on(req, Version("3.11")):
            continue
        assert name in specs, f"environment.yml lacks runtime dependency {name}"
        assert specs[name] == req.specifier, (
            f"{name}: environment.yml has {specs[name]}, pyproject.toml has {req.specifier}"
        )
    assert "pip" in specs
    assert any(re.fullmatch(r"(-e\s+)?\.", p.strip()) for p in pip), (
        f"environment.yml pip section should install the package: {pip}"
    )


# --- repo2docker ----------------------------------------------------------------


def _copy_repo(dest: Path) -> None:
    """The files a clone would have: tracked + untracked-not-ignored, no .venv/.git."""
    files = None
    if (ROOT / ".git").exists() and shutil.which("git"):
        res = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, text=True
        )
        if res.returncode == 0:
            files = [f for f in res.stdout.split("\0") if f]
    if files is None:
        ignore = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", ".pytest_cache", "build")
        shutil.copytree(ROOT, dest, ignore=ignore, dirs_exist_ok=True)
        return
    for f in files:
        src = ROOT / f
        if src.is_file():
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / f)


@pytest.mark.slow
def test_repo2docker_image_spec_installs_the_package(tmp_path):
    exe = Path(sys.executable).with_name("jupyter-repo2docker")
    if not exe.exists():
        exe = shutil.which("jupyter-repo2docker")
    assert exe, "jupyter-repo2docker is not installed (extra [test])"
    repo = tmp_path / "repo"
    repo.mkdir()
    _copy_repo(repo)
    env = dict(os.environ)
    # Prove no Docker daemon is needed: point the client at nothing.
    env["DOCKER_HOST"] = "unix:///nonexistent/docker.sock"
    t0 = time.monotonic()
    res = subprocess.run(
        [str(exe), "--no-build", "--debug", "."], cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )
    took = time.monotonic() - t0
    out = res.stdout + res.stderr
    print(f"\n[repo2docker] --no-build --debug took {took:.2f} s")
    assert res.returncode == 0, out[-3000:]
    py = binder_python()
    # The Python version comes from binder/runtime.txt.
    assert f"Building conda environment for python={py}" in out, out[:2000]
    # binder/ wins over the top-level environment.yml: pip installs binder/requirements.txt ...
    assert re.search(r'pip install --no-cache-dir -r "?binder/requirements\.txt', out), out
    assert "environment.yml" not in out
    # ... the repository is copied into the image, and postBuild runs after it.
    copy = re.search(r"^COPY .*src/ \$\{REPO_DIR\}/", out, re.M)
    post = re.search(r"^RUN \./binder/postBuild", out, re.M)
    assert copy and post, out
    assert post.start() > copy.start(), "postBuild must run after the repository is copied"
    assert re.search(r"^USER \$\{NB_USER\}", out[: post.start()], re.M)


# --- building with the declared build requirements --------------------------------


def build_floor() -> tuple[str, Version]:
    """The lowest setuptools [build-system] allows (its ``>=`` bound)."""
    reqs = [Requirement(r) for r in pyproject()["build-system"]["requires"]]
    (st,) = [r for r in reqs if canonicalize_name(r.name) == "setuptools"]
    floors = [s.version for s in st.specifier if s.operator == ">="]
    assert floors, f"[build-system] should give setuptools a floor (>=), has {st.specifier}"
    return st.name, Version(floors[0])


def test_build_requirements_are_setuptools_only_with_a_floor():
    reqs = [canonicalize_name(Requirement(r).name) for r in pyproject()["build-system"]["requires"]]
    assert reqs == ["setuptools"], reqs
    assert pyproject()["build-system"]["build-backend"] == "setuptools.build_meta"
    _, floor = build_floor()
    # `license = "MIT"` (an SPDX expression) needs setuptools 77 (68.2.2 fails on it).
    assert floor >= Version("77"), f"setuptools>={floor} cannot build this pyproject's licence field"


@pytest.mark.slow
def test_no_isolation_build_with_the_lowest_allowed_setuptools(tmp_path):
    """Builds the wheel with exactly the setuptools floor, no build isolation.

    A distribution packager (Debian, conda-forge) builds with the build tools it
    has, not with the newest ones: the floor in [build-system] must be true.
    """
    name, floor = build_floor()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    res = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", f"{name}=={floor}"], capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0, res.stdout + res.stderr
    src = tmp_path / "src"
    src.mkdir()
    _copy_repo(src)
    out = tmp_path / "dist"
    res = subprocess.run(
        [str(py), "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q", "-w", str(out), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, f"setuptools {floor} cannot build this project:\n{(res.stdout + res.stderr)[-3000:]}"
    (wheel,) = out.glob("runback_widgets-*.whl")
    import zipfile

    with zipfile.ZipFile(wheel) as z:
        meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
        names = z.namelist()
    assert "License-Expression: MIT" in meta, meta[:800]
    assert any(n.startswith("runback_widgets/content/") and n.endswith(".toml") for n in names), "content files missing"
