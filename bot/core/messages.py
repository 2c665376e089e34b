"""What flows through the platform-neutral core: questions in, replies out.

Adapters (Slack, Teams, terminal) translate their payloads into ``IncomingMessage`` and
``ActionRequest`` and render ``Reply`` back; the core never sees a platform payload.
All text here is plain, unescaped member text: escaping is the renderer's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Action names a suggestion can offer; renderers map each to a button.
REQUEST_INTRO = "request_intro"
SAVE = "save"
NOT_RELEVANT = "not_relevant"
MORE_LIKE_THIS = "more_like_this"
DEFAULT_ACTIONS: tuple[str, ...] = (REQUEST_INTRO, SAVE, NOT_RELEVANT, MORE_LIKE_THIS)


@dataclass(frozen=True)
class IncomingMessage:
    """A member's question or command, whatever the platform it came from."""

    platform: str  # "slack" | "teams" | "terminal"
    workspace_id: str  # Slack team id, Teams tenant id, "local" for the terminal
    user_id: str  # the platform's user id
    conversation_id: str  # channel / chat / conversation id
    text: str  # plain text, bot mention stripped, platform entities unescaped once
    thread_id: str | None = None
    user_name: str | None = None
    timezone: str | None = None  # IANA name when the platform tells us


@dataclass(frozen=True)
class Suggestion:
    """One ranked match and why it matched."""

    ref: str  # stable directory reference, e.g. "org:ext-123", "person:r-7", "course:c-9", "funding:zev"
    kind: str  # researcher, technology_firm, manufacturer, research_institution, course, funding_stream, ...
    title: str
    subtitle: str = ""  # affiliation, provider, province, ...
    score: float = 0.0
    reason: str = ""  # the best-matching evidence snippet
    shared_terms: tuple[str, ...] = ()
    url: str | None = None
    actions: tuple[str, ...] = DEFAULT_ACTIONS


@dataclass(frozen=True)
class Section:
    """A group of suggestions under one heading (one kind of thing)."""

    heading: str
    suggestions: tuple[Suggestion, ...]


@dataclass(frozen=True)
class Reply:
    """What the core answers. ``text`` is always a complete plain-text answer (notification fallback)."""

    text: str
    sections: tuple[Section, ...] = ()
    query_id: str | None = None  # identifies the question, so feedback and "more like this" refer to it
    notice: str | None = None  # e.g. "The matching engine is warming up"
    ephemeral: bool = False
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def suggestions(self) -> tuple[Suggestion, ...]:
        return tuple(s for section in self.sections for s in section.suggestions)


@dataclass(frozen=True)
class ActionRequest:
    """A member pressed a button (or typed the equivalent) on a suggestion."""

    platform: str
    workspace_id: str
    user_id: str
    action: str  # one of the action names above, or a flow-specific one
    ref: str  # the suggestion's ref (or an introduction id for intro flows)
    query_id: str | None = None
    conversation_id: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Why:
    """One suggestion's explanation."""

    ref: str
    name: str
    ranker: list[tuple[str, float]] = field(default_factory=list)  # largest |contribution| first
    fallback: str | None = None  # the channel whose order answered the question, when the ranker's did not
    personal: list[tuple[str, float]] = field(default_factory=list)  # the member-signal model's, when it applied
    personal_version: int | None = None
