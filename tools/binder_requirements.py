"""Write binder/requirements.txt from the runtime lock (``make lock`` runs this).

repo2docker installs ``binder/requirements.txt`` with pip before the rest of the
repository is in the image, so the file cannot point at requirements/runtime.txt
with ``-r``: it is a copy of the lock (exact versions, sha256 hashes, the same
environment markers), under a header saying where it comes from.
``--check`` exits 1 when the file is out of date (tests/unit/test_packaging.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "runtime.txt"
BINDER = ROOT / "binder" / "requirements.txt"

HEADER = """\
# Binder (repo2docker) dependencies: a copy of requirements/runtime.txt, the
# runtime lock (exact versions and hashes, as repo2docker recommends for a
# reproducible image). Do not edit: `make lock` rewrites it.
# postBuild then installs the runback-widgets package itself (--no-deps).
"""


def body(lock_text: str) -> str:
    """The lock without its leading comment block (the tool's own header)."""
    lines = lock_text.splitlines()
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        i += 1
    return "\n".join(lines[i:]).rstrip("\n") + "\n"


def expected() -> str:
    return HEADER + body(LOCK.read_text())


def main(argv: list[str]) -> int:
    want = expected()
    if "--check" in argv:
        if not BINDER.exists() or BINDER.read_text() != want:
            print(f"{BINDER.relative_to(ROOT)} is not the runtime lock: run `make lock`", file=sys.stderr)
            return 1
        return 0
    BINDER.write_text(want)
    print(f"wrote {BINDER.relative_to(ROOT)} from {LOCK.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
