"""The vocabulary a drafted profile's phrases come from, and the directory texts that ground it.

Capabilities: the cluster's topic taxonomy (the demo's ``bot/demo/topics.json`` labels); sectors: the
organizations' sectors; skills: the skills courses list, then ESCO labels that fit the directory
(``matching/data/esco_skills.txt``, see its header for source and licence). Grounding snippets are what the
directory offers (organizations' capabilities, people's expertise, course outlines), never needs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.evidence import split_evidence
from models.directory import Course, Organization, Person

# package data, found through the packages themselves (wherever this module sits)
TAXONOMY = Path(str(resources.files("bot.demo") / "topics.json"))
ESCO = Path(str(resources.files("matching") / "data" / "esco_skills.txt"))
CAPABILITY, SECTOR, SKILL = "capability", "sector", "skill"
SNIPPET_WORDS = 40


@dataclass(frozen=True)
class Vocabulary:
    terms: tuple[str, ...]
    groups: tuple[str, ...]
    snippets: tuple[str, ...]


def taxonomy_labels(path: Path = TAXONOMY) -> list[str]:
    """Topic labels of a taxonomy file (``{"topics": {key: {"label": ...}}}``); none when it is absent."""
    if not path.is_file():
        return []
    topics = json.loads(path.read_text(encoding="utf-8")).get("topics", {})
    return [str(v["label"]) for v in topics.values() if str(v.get("label", "")).strip()]


def esco_labels(path: Path = ESCO) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def assemble(capabilities: Iterable[str], sectors: Iterable[str], skills: Iterable[str],
             offers: Iterable[str]) -> Vocabulary:
    """One vocabulary from its parts (duplicates keep their first group: capability, sector, skill)."""
    terms: list[str] = []
    groups: list[str] = []
    for group, values in ((CAPABILITY, capabilities), (SECTOR, sectors), (SKILL, skills)):
        for value in values:
            if value and value.strip():
                terms.append(value.strip())
                groups.append(group)
    snippets = sorted({s for text in offers if text for s in split_evidence(text, SNIPPET_WORDS)})
    return Vocabulary(tuple(terms), tuple(groups), tuple(snippets))


def from_directory(session: Session) -> Vocabulary:
    """The vocabulary of the directory in ``session`` (public rows only ground it)."""
    sectors: set[str] = set()
    offers: list[str] = []
    for org_sectors, capabilities in session.execute(
            select(Organization.sectors, Organization.capabilities).where(Organization.visibility == "public")):
        sectors.update(org_sectors or [])
        offers.append(capabilities or "")
    offers += [e or "" for e in session.scalars(select(Person.expertise).where(Person.visibility == "public"))]
    skills: set[str] = set()
    for title, description, course_skills in session.execute(
            select(Course.title, Course.description, Course.skills).where(Course.visibility == "public")):
        offers.append(f"{title}. {description or ''}")
        skills.update(course_skills or [])
    return assemble(taxonomy_labels(), sorted(sectors), [*sorted(skills), *esco_labels()], offers)
