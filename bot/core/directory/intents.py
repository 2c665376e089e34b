"""What a member's message asks for: help, a search (with filters said in plain words), "more like", saved.

Members narrow a question the way they would talk to a person ("researchers in Quebec", "online
micro-credentials", "en français"), so filters are read from the text instead of from command flags.
Matching is accent- and case-insensitive; positions stay aligned with the original text so filter-only
phrases ("in Quebec", "in French") can be cut out of what is sent to the engine.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.core import texts

#: Longest question matched, in characters; the model reads ~256 tokens and BM25 gains nothing beyond this.
MAX_QUESTION_CHARS = 2000

HELP = "help"
EMPTY = "empty"
SEARCH = "search"
MORE_LIKE = "more_like"
SAVED = "saved"

#: Kinds searched when the member names none (open needs only on request).
DEFAULT_KINDS: tuple[str, ...] = (
    "researcher",
    "person",
    "technology_firm",
    "manufacturer",
    "research_institution",
    "innovation_centre",
    "service_provider",
    "training_provider",
    "course",
    "funding_stream",
)
ALL_KINDS: tuple[str, ...] = (*DEFAULT_KINDS, "need")

REF_RE = re.compile(r"^(org|person|course|funding|need):\S+$")

_HELP_WORDS = {
    "help", "/help", "aide", "?", "h", "commands", "what can you do", "how does this work", "how do i use this",
    "hi", "hello", "hey", "bonjour", "salut", "menu", "usage",
}  # fmt: skip
_SAVED_WORDS = {"saved", "my saved", "saved matches", "my saved matches", "show saved", "list saved", "favourites"}

# (pattern over normalised text, kinds it selects)
_KIND_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(p), kinds)
    for p, kinds in (
        (
            r"\b(researchers?|professors?|academics?|scientists?|postdocs?|chercheur(e|s|es)?|chercheuses?)\b",
            ("researcher",),
        ),
        (
            r"\b(tech(nology)? (firms?|compan(y|ies)|providers?|vendors?|suppliers?|start ?ups?|smes?)"
            r"|(automation|robotics|software|technology) (vendors?|suppliers?|integrators?)|integrators?"
            r"|entreprises? (technologiques?|de technologie))\b",
            ("technology_firm", "service_provider"),
        ),
        (
            r"\b(manufacturers?|fabricants?|manufacturiers?|manufacturing (firms?|compan(y|ies)|smes?)|factories)\b",
            ("manufacturer",),
        ),
        (
            r"\b(universit(y|ies|e|es)|colleges?|cegeps?|research (centres?|centers?|institutes?|institutions?|labs?)"
            r"|laboratories|laboratoires?|centres? de recherche)\b",
            ("research_institution", "researcher", "innovation_centre"),
        ),
        (
            r"\b(innovation (centres?|centers?|hubs?)|test ?beds?|demonstration (centres?|centers?)|technology access"
            r" (centres?|centers?)|ccttm?s?)\b",
            ("innovation_centre",),
        ),
        (
            r"\b(service providers?|consultants?|consultanc(y|ies)|consulting (firms?|compan(y|ies)))\b",
            ("service_provider",),
        ),
        (r"\b(training providers?)\b", ("training_provider",)),
        (
            r"\b(courses?|cours (en|de|d|sur)|formations?|micro ?credentials?|micro ?certifications?|microprogrammes?"
            r"|training (courses?|programs?|programmes?|options?|sessions?)|bootcamps?|upskilling|reskilling)\b",
            ("course",),
        ),
        (
            r"\b(funding|grants?|subsid(y|ies)|financing|financement|subventions?|tax credits?|co ?investment)\b",
            ("funding_stream",),
        ),
        (r"\b(open needs|member needs|posted needs|members? challenges|besoins)\b", ("need",)),
    )
)

_PROVINCE_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"ontario", ("ON",)),
    (r"quebec", ("QC",)),
    (r"british columbia|colombie britannique", ("BC",)),
    (r"alberta", ("AB",)),
    (r"saskatchewan", ("SK",)),
    (r"manitoba", ("MB",)),
    (r"new brunswick|nouveau brunswick", ("NB",)),
    (r"nova scotia|nouvelle ecosse", ("NS",)),
    (r"prince edward island|ile du prince edouard|p\.e\.i\.?|pei", ("PE",)),
    (r"newfoundland( and labrador)?|terre neuve( et labrador)?|labrador", ("NL",)),
    (r"yukon", ("YT",)),
    (r"northwest territories|territoires du nord ouest|nwt", ("NT",)),
    (r"nunavut", ("NU",)),
    (r"atlantic canada|atlantic provinces|canada atlantique|provinces de l'atlantique", ("NB", "NS", "PE", "NL")),
    (r"the maritimes|maritimes", ("NB", "NS", "PE")),
    (r"the prairies|prairies", ("AB", "SK", "MB")),
)
_PREP = r"(?:(?:based |located )?(?:in|from|near|around|across)(?: the)?|au|en|dans l'|du|de l')\s+"
_PROVINCE_RE = [(re.compile(rf"(?:{_PREP})?\b(?:{names})\b"), codes) for names, codes in _PROVINCE_NAMES]
# Two-letter codes only in capitals (never "on", "ab"); "ON" also needs a preposition or a comma before it.
_ABBREV_RE = re.compile(
    r"(?:(?:\b(?:in|from|based in|near|au|en)\s+)|,\s*|/)?\b(AB|BC|MB|NB|NL|NS|NT|NU|PE|QC|SK|YT|PEI|NWT)\b"
    r"|(?:\b(?:in|from|based in|near|en)\s+|,\s*|/)ON\b"
)
_ABBREV_ALIASES = {"PEI": "PE", "NWT": "NT"}

_LANGUAGE_RE = (
    (
        re.compile(r"\b(in french|en francais|french speaking|francophones?|de langue francaise|in french language)\b"),
        "fr",
    ),
    (re.compile(r"\b(in english|en anglais|english speaking|anglophones?)\b"), "en"),
    (re.compile(r"\b(bilingual|bilingues?)\b"), "bilingual"),
)
_DELIVERY_RE = (
    (re.compile(r"\b(online|virtual|remote|en ligne|a distance|e ?learning|self paced)\b"), "online"),
    (
        re.compile(r"\b(in person|on site|onsite|face to face|en personne|en presentiel|presentiel|classroom)\b"),
        "in-person",
    ),
    (re.compile(r"\b(hybrid|hybride)\b"), "hybrid"),
)
_COURSE_CONTEXT_RE = re.compile(r"\b(course|cours|training|formation|learn|class|program|credential|bootcamp|workshop)")
_MICRO_RE = re.compile(r"\b(micro ?credentials?|micro ?certifications?|microprogrammes?)\b")
_MORE_LIKE_RE = re.compile(r"^\s*(?:more like|similar to|plus comme|semblable a)(?: this)?\s*[:\-]?\s*(?P<t>.+?)\s*$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Filters:
    """Facet filters read from the question. Empty values mean "no restriction"."""

    provinces: frozenset[str] = frozenset()
    language: str | None = None  # en | fr | bilingual
    delivery: str | None = None  # online | in-person | hybrid (courses only)
    credential: str | None = None  # micro-credential (courses only)

    def __bool__(self) -> bool:
        return bool(self.provinces or self.language or self.delivery or self.credential)

    def describe(self) -> str:
        """Short human wording, e.g. ``ON, QC; online; micro-credential; fr``."""
        parts = [", ".join(sorted(self.provinces))] if self.provinces else []
        parts += [v for v in (self.delivery, self.credential) if v]
        if self.language:
            parts.append({"fr": "in French", "en": "in English"}.get(self.language, self.language))
        return "; ".join(parts)


@dataclass(frozen=True)
class Intent:
    action: str  # help | empty | search | more_like | saved
    query: str = ""  # what the engine matches (filter-only phrases removed)
    kinds: tuple[str, ...] | None = None  # None: DEFAULT_KINDS
    filters: Filters = field(default_factory=Filters)
    target: str | None = None  # more_like: a ref ("org:x") or a title
    notice: str | None = None  # e.g. the question was cut
    text: str = ""  # the cleaned question as the member wrote it (after truncation)


def normalise(text: str) -> str:
    """Lower case, accents removed, hyphens as spaces, one char per char (positions stay aligned)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)[:1] or ch
        low = base.lower()
        low = low if len(low) == 1 else base
        out.append(" " if low in "-_\u2010\u2011\u2013\u2014" else low)
    return "".join(out)


def truncate(text: str, limit: int = MAX_QUESTION_CHARS) -> tuple[str, bool]:
    """Cut ``text`` to ``limit`` chars at a sentence end if one is in the second half, else at a space."""
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    cut = max(head.rfind(p) for p in (". ", "? ", "! ", "\n"))
    if cut < limit // 2:
        cut = head.rfind(" ")
    if cut < limit // 2:
        cut = limit - 1
    return head[: cut + 1].rstrip(), True


def parse(raw: str, *, max_chars: int = MAX_QUESTION_CHARS) -> Intent:
    """Read one message. Never raises: odd input becomes help, an empty answer, or a plain search."""
    cleaned = _CONTROL_RE.sub(" ", raw or "").strip()
    total = len(cleaned)
    text, cut = truncate(cleaned, max_chars)
    notice = texts.TRUNCATED.format(kept=len(text), total=total) if cut else None
    text = re.sub(r"\s+", " ", text).strip()
    norm = normalise(text)
    bare = norm.strip(" .!?¿¡").strip()
    if not bare and "?" not in norm:
        return Intent(EMPTY, notice=notice, text=text)
    if bare in _HELP_WORDS or norm.strip() == "?":
        return Intent(HELP, notice=notice, text=text)
    if bare in _SAVED_WORDS:
        return Intent(SAVED, notice=notice, text=text)

    more = _MORE_LIKE_RE.match(norm)
    kinds, filters, spans = _read_filters(text, norm)
    if more:
        target = text[more.start("t") : more.end("t")].strip(" .!?\"'")
        return Intent(MORE_LIKE, query=target, kinds=kinds, filters=filters, target=target, notice=notice, text=text)

    query = _cut_spans(text, spans) or text
    return Intent(SEARCH, query=query, kinds=kinds, filters=filters, notice=notice, text=text)


def _read_filters(text: str, norm: str) -> tuple[tuple[str, ...] | None, Filters, list[tuple[int, int]]]:
    spans: list[tuple[int, int]] = []
    kinds: list[str] = []
    for pattern, selected in _KIND_PATTERNS:
        if pattern.search(norm):
            kinds.extend(k for k in selected if k not in kinds)

    provinces: set[str] = set()
    for pattern, codes in _PROVINCE_RE:
        for m in pattern.finditer(norm):
            provinces.update(codes)
            spans.append(m.span())
    for m in _ABBREV_RE.finditer(text):
        code = m.group(1) or "ON"
        provinces.add(_ABBREV_ALIASES.get(code, code))
        spans.append(m.span())

    language = None
    for pattern, lang in _LANGUAGE_RE:
        found = pattern.search(norm)
        if found:
            language = lang
            spans.append(found.span())
            break

    credential = "micro-credential" if _MICRO_RE.search(norm) else None
    if credential and "course" not in kinds:
        kinds.append("course")
    delivery = None
    if "course" in kinds or _COURSE_CONTEXT_RE.search(norm):
        for pattern, mode in _DELIVERY_RE:
            found = pattern.search(norm)
            if found:
                delivery = mode
                spans.append(found.span())
                break

    filters = Filters(frozenset(provinces), language, delivery, credential)
    return (tuple(kinds) or None), filters, spans


def _cut_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the filter-only phrases; empty if nothing meaningful is left."""
    if not spans:
        return text
    keep = []
    pos = 0
    for start, end in sorted(spans):
        if start > pos:
            keep.append(text[pos:start])
        pos = max(pos, end)
    keep.append(text[pos:])
    rest = re.sub(r"\s+", " ", " ".join(keep)).strip(" ,;:.!?")
    rest = re.sub(r"\s+([,.;:!?])", r"\1", rest)
    return rest if re.search(r"\w{2,}", rest) else ""
