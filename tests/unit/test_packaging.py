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


def binder_requirements() -> dict[str, Requirement]:
    out = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("-"), f"binder/requirements.txt: pip options are not used here: {line}"
        r = Requirement(line)
        out[canonicalize_name(r.name)] = r
    return out


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
    test_extra = {canonicalize_name(Requirement(r).name) for r in pyproject()["project"]["optional-dependencies"]["test"]}
    for needed in ("pytest", "nbval", "playwright", "hypothesis", "axe-playwright-python", "jupyter-repo2docker"):
        assert needed in test_extra, f"extra [test] lacks {needed}"


def test_installed_versions_satisfy_pyproject():
    """The environment the tests run in is one pyproject allows."""
    for name, req in runtime_requirements().items():
        if not needed_on(req, Version(f"{sys.version_info.major}.{sys.version_info.minor}")):
            continue
        installed = metadata.version(name)
        assert req.specifier.contains(installed, prereleases=True), f"{name} {installed} installed, pyproject wants {req.specifier}"


def test_console_script_runback():
    scripts = pyproject()["project"]["scripts"]
    assert scripts.get("runback") == "runback_widgets.cli:main"
    eps = [ep for ep in metadata.entry_points(group="console_scripts") if ep.name == "runback"]
    assert eps, "console script `runback` is not installed (pip install -e .)"
    assert callable(eps[0].load())
    exe = Path(sys.executable).with_name("runback")
    assert exe.exists() or shutil.which("runback"), "the `runback` executable is not on PATH"


# --- binder/ -------------------------------------------------------------------


def test_binder_runtime_pins_python_311_or_newer():
    py = binder_python()
    assert py >= Version("3.11"), f"binder/runtime.txt pins {py}; repo2docker would pick 3.10 without it"
    assert SpecifierSet(pyproject()["project"]["requires-python"]).contains(str(py))


def test_binder_requirements_match_pyproject():
    binder = binder_requirements()
    py = binder_python()
    for name, req in runtime_requirements().items():
        if not needed_on(req, py):
            continue
        assert name in binder, f"binder/requirements.txt lacks runtime dependency {name}"
        assert binder[name].specifier == req.specifier, (
            f"{name}: binder/requirements.txt has {binder[name].specifier}, pyproject.toml has {req.specifier}"
        )
    extra = set(binder) - set(runtime_requirements())
    assert not extra, f"binder/requirements.txt has dependencies pyproject.toml lacks: {sorted(extra)}"


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
        assert specs[name] == req.specifier, f"{name}: environment.yml has {specs[name]}, pyproject.toml has {req.specifier}"
    assert "pip" in specs
    assert any(re.fullmatch(r"(-e\s+)?\.", p.strip()) for p in pip), f"environment.yml pip section should install the package: {pip}"


# --- repo2docker ----------------------------------------------------------------


def _copy_repo(dest: Path) -> None:
    """The files a clone would have: tracked + untracked-not-ignored, no .venv/.git."""
    files = None
    if (ROOT / ".git").exists() and shutil.which("git"):
        res = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                             capture_output=True, text=True)
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
    res = subprocess.run([str(exe), "--no-build", "--debug", "."], cwd=repo, env=env,
                         capture_output=True, text=True, timeout=300)
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
    assert re.search(r"^USER \$\{NB_USER\}", out[:post.start()], re.M)
