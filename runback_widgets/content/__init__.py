"""Teaching content as data.

Everything a learner reads (claims, clinical notes, references, glossary,
quiz questions, symptom and structure descriptions) lives in TOML files in this
folder, so an instructor can correct a sentence without touching Python.
This module only loads and validates them; it imports neither plotly nor
ipywidgets.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "Claim",
    "Reference",
    "load_toml",
    "claims",
    "claim",
    "references",
    "reference",
    "glossary",
    "quiz_questions",
    "ui_text",
]


@functools.lru_cache(maxsize=None)
def load_toml(name: str) -> Mapping:
    """Parse ``content/<name>`` (e.g. ``"claims.toml"`` or ``"quiz/03-run-load-simulator.toml"``)."""
    ref = resources.files(__name__)
    for part in name.split("/"):
        ref = ref / part
    if not ref.is_file():
        raise FileNotFoundError(f"content file {name!r} is not part of runback_widgets.content")
    with ref.open("rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class Reference:
    """A source, cited in full, with a DOI or URL where one exists."""

    id: str
    citation: str
    doi: str = ""
    url: str = ""
    kind: str = "paper"

    @property
    def link(self) -> str:
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url


@dataclass(frozen=True)
class Claim:
    """A teaching claim (``A..``, from the article) or a clinical note (``N..``).

    ``text`` is the plain-words paraphrase shown to runners, ``detail`` the
    exact-terms version for physiotherapy students. ``sources`` are ids in
    ``references.toml``; ``refines`` (notes only) lists the claims a note
    corrects or completes; ``shown_in`` names the dashboards that show it.
    """

    id: str
    title: str
    text: str
    detail: str
    sources: tuple[str, ...]
    shown_in: tuple[str, ...]
    refines: tuple[str, ...] = field(default_factory=tuple)
    quote: str = ""

    @property
    def is_note(self) -> bool:
        return self.id.startswith("N")


@functools.lru_cache(maxsize=None)
def references() -> dict[str, Reference]:
    data = load_toml("references.toml")
    return {rid: Reference(id=rid, **fields) for rid, fields in data["reference"].items()}


def reference(ref_id: str) -> Reference:
    refs = references()
    if ref_id not in refs:
        raise KeyError(f"unknown reference id {ref_id!r}; known: {sorted(refs)}")
    return refs[ref_id]


@functools.lru_cache(maxsize=None)
def claims() -> dict[str, Claim]:
    data = load_toml("claims.toml")
    out: dict[str, Claim] = {}
    for cid, f in data["claim"].items():
        out[cid] = Claim(
            id=cid,
            title=f["title"],
            text=f["text"],
            detail=f.get("detail", f["text"]),
            sources=tuple(f["sources"]),
            shown_in=tuple(f.get("shown_in", ())),
            refines=tuple(f.get("refines", ())),
            quote=f.get("quote", ""),
        )
    return out


def claim(claim_id: str) -> Claim:
    reg = claims()
    if claim_id not in reg:
        raise KeyError(f"unknown claim id {claim_id!r}; valid ids: {', '.join(sorted(reg))}")
    return reg[claim_id]


@functools.lru_cache(maxsize=None)
def glossary() -> dict[str, dict]:
    """Term -> {"plain": ..., "detail": ..., "sources": [...]}; see glossary.toml."""
    try:
        return dict(load_toml("glossary.toml")["term"])
    except FileNotFoundError:
        return {}


def quiz_questions(dashboard: str) -> list[dict]:
    """Self-check questions for a dashboard (``content/quiz/<dashboard>.toml``)."""
    return list(load_toml(f"quiz/{dashboard}.toml")["question"])


def ui_text(section: str) -> Mapping:
    """Short interface texts (disclaimer, landing cards, error messages) from ui.toml."""
    return load_toml("ui.toml")[section]
