"""Question clean-up: drop the request frame ("Who can help us with...") and keep the subject.

Members write needs as requests: "we need staff trained in lean manufacturing", "looking for a partner
with expertise in machine vision", "who can help us automate TIG welding?". The frame words ("staff",
"trained", "partner", "expertise", "help") are not what the member wants matched: BM25 rewards items that
repeat them and the embedding drifts towards "hiring" or "help desk". Only a *leading* frame is removed, so
"people management" or "training design" inside the subject stay untouched.
"""

from __future__ import annotations

import re

__all__ = ["strip_request_frame"]

_WHO = (
    r"(?:(?:a|an|any|some)\s+)?(?:staff|people|employees|workers|technicians|operators|engineers|students|team"
    r"|someone|somebody|anyone|anybody|partner|company|companies|organi[sz]ation|expert|specialist|supplier|provider"
    r"|lab|laboratory|researcher|consultant|firm|course|program(?:me)?)s?"
)
#: What may follow the "who": a relative clause, a qualification, a preposition. At least one is required, so
#: "people management" keeps its first word.
_LINK = (
    r"(?:(?:who|that)\s+(?:is|are|can|could|does|do|has|have|knows?|offers?|provides?)"
    r"|trained|skilled|qualified|experienced|certified|speciali[sz](?:ed|ing)|knowledgeable|working|with|having"
    r"|experience|expertise|skills|knowledge|background|in|on|at|for|of|from|to)"
)
_FRAMES = [
    r"(?:hi|hello|hey|dear\s+\w+)(?:\s+(?:there|all|everyone|team))?[\s,!.:;-]+",
    r"please\s+",
    r"(?:we|i)(?:'re|\s+are|'m|\s+am)?\s+(?:currently\s+|also\s+)?(?:looking|searching|hoping|trying)\s+(?:for|to\s+find)\s+",
    r"(?:we|i)(?:'d|\s+would)\s+like\s+(?:to\s+(?:find|meet|hire|train|get)\s+)?",
    r"(?:we|i)\s+(?:urgently\s+|also\s+)?(?:need|want|require|seek)(?:\s+to\s+(?:find|hire|train|get|meet))?\s+",
    r"(?:looking|searching)\s+for\s+",
    r"(?:can|could|would)\s+(?:you|anyone|someone|somebody)\s+(?:please\s+)?"
    r"(?:help|recommend|suggest|find|point)(?:\s+(?:us|me))?(?:\s+(?:to|with|find|towards))?\s+",
    r"(?:does|do)\s+(?:anyone|someone|somebody)\s+(?:know|have)(?:\s+(?:of|about))?\s+",
    r"(?:is|are)\s+there\s+",
    r"who\s+(?:can|could|knows?|has|does|is|are)(?:\s+(?:help|support|assist)(?:\s+(?:us|me))?(?:\s+(?:with|on))?)?\s+",
    r"(?:help|support|assistance|advice|guidance)\s+(?:with|on|for|in)\s+",
    rf"{_WHO}(?:\s+{_LINK})+\s+",
    r"(?:any|some)\s+",
    r"(?:expertise|experience|skills|knowledge|training|help)\s+(?:in|on|with)\s+",
]
_FRAME = re.compile(r"^\s*(?:" + "|".join(f"(?:{f})" for f in _FRAMES) + r")", re.IGNORECASE)


def strip_request_frame(text: str) -> str:
    """The subject of a request, without its leading frame; ``text`` itself if nothing (or everything) is frame.

    Example:
        >>> strip_request_frame("Hi! We need staff trained in lean manufacturing")
        'lean manufacturing'
        >>> strip_request_frame("Who can help us automate TIG welding?")
        'automate TIG welding?'
    """
    rest = text
    for _ in range(6):  # frames nest: "Hi, we are looking for a partner with expertise in ..."
        m = _FRAME.match(rest)
        if not m or m.end() == 0:
            break
        rest = rest[m.end() :]
    rest = rest.strip()
    return rest if len(rest.split()) >= 1 and any(c.isalnum() for c in rest) else text.strip()
