"""Query expansion without model weights: manufacturing acronyms and synonyms, both directions.

A member asks about "PLC retrofits" while a lab writes "programmable logic controllers"; BM25 sees no shared
word. Each group below is a set of interchangeable names: a query naming one gets the others added to its
lexical terms at a lower weight. Upper-case-only entries (``AM``, ``AI``...) match only when written in
capitals, so the word "am" or "ai" in prose does not trigger them.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["SYNONYM_GROUPS", "expand"]

#: Interchangeable names. A name in CAPITALS with no lower-case letters is matched case-sensitively.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("CNC", "computer numerical control", "cnc machining"),
    ("PLC", "programmable logic controller"),
    ("AM", "additive manufacturing", "3d printing"),
    ("MES", "manufacturing execution system"),
    ("OPC-UA", "OPC UA", "open platform communications unified architecture"),
    ("IIoT", "industrial internet of things", "industrial iot"),
    ("IoT", "internet of things"),
    ("ZEV", "zero-emission vehicle", "zero emission vehicle"),
    ("EV", "electric vehicle"),
    ("TIG", "tungsten inert gas", "gas tungsten arc welding", "GTAW"),
    ("MIG", "metal inert gas", "gas metal arc welding", "GMAW"),
    ("CAD", "computer-aided design", "computer aided design"),
    ("CAM", "computer-aided manufacturing", "computer aided manufacturing"),
    ("FEA", "finite element analysis", "finite element"),
    ("CFD", "computational fluid dynamics"),
    ("NDT", "non-destructive testing", "nondestructive testing", "NDE", "non-destructive evaluation"),
    ("QA", "quality assurance"),
    ("QC", "quality control"),
    ("SPC", "statistical process control"),
    ("ERP", "enterprise resource planning"),
    ("SCADA", "supervisory control and data acquisition"),
    ("HMI", "human-machine interface", "human machine interface"),
    ("AI", "artificial intelligence"),
    ("ML", "machine learning"),
    ("CV", "computer vision", "machine vision"),
    ("AGV", "automated guided vehicle"),
    ("AMR", "autonomous mobile robot"),
    ("cobot", "collaborative robot"),
    ("MRO", "maintenance, repair and overhaul", "maintenance repair overhaul"),
    ("OEE", "overall equipment effectiveness"),
    ("PdM", "predictive maintenance", "condition monitoring"),
    ("DFM", "design for manufacturing", "design for manufacturability"),
    ("LCA", "life cycle assessment", "life-cycle assessment"),
    ("PCB", "printed circuit board"),
    ("EDM", "electrical discharge machining", "electro-discharge machining"),
    ("CMM", "coordinate measuring machine"),
    ("GD&T", "geometric dimensioning and tolerancing"),
    ("CFRP", "carbon fibre reinforced polymer", "carbon fiber composite"),
    ("BMS", "battery management system"),
    ("HPC", "high-performance computing", "high performance computing"),
    ("NLP", "natural language processing"),
    ("ROS", "robot operating system"),
    ("AR", "augmented reality"),
    ("VR", "virtual reality"),
    ("R&D", "research and development"),
    ("SME", "small and medium-sized enterprise", "small business"),
    ("HVAC", "heating, ventilation and air conditioning"),
    ("LIDAR", "lidar", "light detection and ranging"),
    ("digital twin", "virtual replica"),
    ("lean manufacturing", "lean production", "six sigma"),
)


def _is_acronym(name: str) -> bool:
    return not any(c.islower() for c in name)


def _pattern(name: str) -> re.Pattern[str]:
    body = r"[\s\-]+".join(re.escape(part) for part in re.split(r"[\s\-]+", name))
    flags = 0 if _is_acronym(name) else re.IGNORECASE
    return re.compile(rf"(?<![\w&]){body}s?(?![\w&])", flags)


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[tuple[re.Pattern[str], ...], tuple[str, ...]], ...]:
    return tuple((tuple(_pattern(n) for n in group), group) for group in SYNONYM_GROUPS)


def expand(text: str) -> list[str]:
    """Names that mean the same as something ``text`` says but that ``text`` does not already contain.

    Example:
        >>> expand("PLC retrofit for a CNC cell")
        ['computer numerical control', 'cnc machining', 'programmable logic controller']
    """
    out: list[str] = []
    for patterns, group in _compiled():
        hits = [bool(p.search(text)) for p in patterns]
        if any(hits):
            out.extend(name for name, hit in zip(group, hits, strict=True) if not hit and name not in out)
    return out
