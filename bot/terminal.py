"""The terminal chat: one more adapter on the same core as Slack and Teams (``clustermatch chat``).

It translates typed lines into ``IncomingMessage`` / ``ActionRequest`` and renders ``Reply`` with rich;
``save 2``, ``not 3``, ``more 1`` and ``intro 1`` act on the numbered suggestions of the last answer.
Works on a terminal and on piped input (reads lines until end of input), so it can be scripted.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

from rich.console import Console
from rich.text import Text

from bot.core.errors import UserFacingError
from bot.core.messages import (
    MORE_LIKE_THIS,
    NOT_RELEVANT,
    REQUEST_INTRO,
    SAVE,
    ActionRequest,
    IncomingMessage,
    Reply,
)

logger = logging.getLogger(__name__)

AskFn = Callable[[IncomingMessage], Reply]
ActFn = Callable[[ActionRequest], Reply]

WELCOME = (
    "clustermatch: ask in plain language what you need, for example "
    '"we need help automating TIG welding of aluminium battery trays".\n'
    "After an answer: save N, not N (not relevant), more N (more like it), intro N. Also: help, saved, quit."
)
COMMANDS_HELP = (
    "Terminal commands: save N · not N · more N · intro N (N = number in the last answer, or a ref such as "
    "org:acme) · saved · help · quit"
)
APOLOGY = "Sorry, something went wrong on my side. The problem was logged; please try again."
_ACTION_RE = re.compile(r"^\s*(save|not|more|intro)\s+(\d+|(?:org|person|course|funding|need):\S+)\s*$", re.IGNORECASE)
_ACTIONS = {"save": SAVE, "not": NOT_RELEVANT, "more": MORE_LIKE_THIS, "intro": REQUEST_INTRO}
_QUIT = {"quit", "exit", "q", ":q", "bye"}


def render(console: Console, reply: Reply) -> None:
    """Print a reply: notice, sections with numbered suggestions, reasons and shared terms."""
    if not reply.sections:
        console.print(Text(reply.text))
        return
    if reply.notice:
        console.print(Text(reply.notice, style="yellow"))
    if reply.meta.get("intro"):
        console.print(Text(reply.meta["intro"], style="bold"))
    n = 0
    for section in reply.sections:
        console.print()
        console.print(Text(section.heading, style="bold underline"))
        for s in section.suggestions:
            n += 1
            line = Text(f"{n:>2}. ")
            line.append(s.title, style="bold cyan")
            if s.subtitle:
                line.append(f"  {s.subtitle}", style="dim")
            console.print(line)
            if s.reason:
                console.print(Text(f"    Why: {s.reason}"))
            if s.shared_terms:
                console.print(Text(f"    Shared: {', '.join(s.shared_terms)}", style="green"))
            console.print(Text(f"    {s.ref}" + (f"  {s.url}" if s.url else ""), style="dim"))


class TerminalChat:
    """A read-eval-print loop over ``ask`` and ``act``; one catch-all, like every adapter."""

    def __init__(
        self,
        ask: AskFn,
        act: ActFn,
        *,
        console: Console | None = None,
        user_id: str = "local",
        workspace_id: str = "local",
    ) -> None:
        self.ask = ask
        self.act = act
        self.console = console or Console()
        self.user_id = user_id
        self.workspace_id = workspace_id
        self.last: Reply | None = None

    def handle(self, line: str) -> bool:
        """Answer one line; False when the member wants to stop."""
        if line.strip().lower() in _QUIT:
            return False
        try:
            reply = self._dispatch(line)
        except UserFacingError as exc:
            self.console.print(Text(exc.message, style="yellow"))
            return True
        except Exception:  # the adapter's single catch-all: log it, never show the exception to the member
            logger.exception("terminal chat failed on %r", line[:200])
            self.console.print(Text(APOLOGY, style="red"))
            return True
        render(self.console, reply)
        if reply.sections and reply.query_id:
            self.last = reply
        return True

    def _dispatch(self, line: str) -> Reply:
        action = _ACTION_RE.match(line)
        if action is None:
            if line.strip().lower() in {"help", "?"}:
                self.console.print(Text(COMMANDS_HELP, style="dim"))
            return self.ask(
                IncomingMessage(
                    platform="terminal",
                    workspace_id=self.workspace_id,
                    user_id=self.user_id,
                    conversation_id="terminal",
                    text=line,
                )
            )
        verb, target = action.group(1).lower(), action.group(2)
        ref = self._ref(target)
        return self.act(
            ActionRequest(
                platform="terminal",
                workspace_id=self.workspace_id,
                user_id=self.user_id,
                action=_ACTIONS[verb],
                ref=ref,
                query_id=self.last.query_id if self.last else None,
                conversation_id="terminal",
            )
        )

    def _ref(self, target: str) -> str:
        if not target.isdigit():
            return target
        shown = self.last.suggestions if self.last else ()
        number = int(target)
        if not 1 <= number <= len(shown):
            raise UserFacingError(
                f"There is no suggestion {number} in the last answer." if shown else "Ask a question first."
            )
        return shown[number - 1].ref

    def run(self, lines: Iterable[str] | None = None) -> None:
        """Loop until ``quit`` or end of input; ``lines`` defaults to stdin (a prompt on a terminal)."""
        self.console.print(Text(WELCOME, style="dim"))
        for line in lines if lines is not None else self._stdin_lines(sys.stdin):
            if not self.handle(line.rstrip("\n")):
                break

    def _stdin_lines(self, stream: TextIO) -> Iterator[str]:
        if stream.isatty():
            while True:
                try:
                    yield self.console.input("[bold]you>[/bold] ")
                except (EOFError, KeyboardInterrupt):
                    self.console.print()
                    return
        for line in stream:
            if line.strip():
                self.console.print(Text(f"> {line.strip()}", style="bold"))
            yield line
