"""``clustermatch digest`` (run now, ``--dry-run``, ``--preview USER``) and ``clustermatch clock``."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.container import Container
from bot.core.errors import UserFacingError

logger = logging.getLogger(__name__)
console = Console()
errors = Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command("digest")(digest_command)
    app.command("clock")(clock_command)


class ShiftedClock:
    """The system clock moved to start at ``--now`` (time still passes, sleeps really sleep)."""

    def __init__(self, start: datetime) -> None:
        self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


def _parse_now(raw: str | None) -> datetime:
    if not raw:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        errors.print(f"[red]--now must be an ISO date-time such as 2026-02-09T14:00:00+00:00, got {raw!r}[/red]")
        raise typer.Exit(2) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def digest_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show who would get what now; send and write nothing.")]
    = False,
    preview: Annotated[str | None, typer.Option("--preview", metavar="USER",
                                                help="Print USER's digest (user id, workspace:user or account:<id>).")]
    = None,
    staff: Annotated[bool, typer.Option("--staff", help="With --preview: the staff digest instead.")] = False,
    blocks: Annotated[bool, typer.Option("--blocks", help="With --preview: print the Slack Block Kit JSON.")] = False,
    now: Annotated[str | None, typer.Option("--now", metavar="ISO", help="Pretend it is this time (UTC if no zone).")]
    = None,
) -> None:
    """Weekly digests: deliver what is due now (exactly once per member and week), or inspect them."""
    from bot.scheduler import digest_container

    at = _parse_now(now)
    container = digest_container()
    try:
        if preview:
            _preview(container, preview, at, staff=staff, blocks=blocks)
        elif dry_run:
            _dry_run(container, at)
        else:
            from bot.scheduler import build_senders

            report = container.digest.run(build_senders(container), clock=ShiftedClock(at))
            console.print(json.dumps(report.as_dict()))
            for line in report.errors[:20]:
                errors.print(f"[yellow]{line}[/yellow]")
    except UserFacingError as exc:
        errors.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None


def _preview(container: Container, user: str, at: datetime, *, staff: bool, blocks: bool) -> None:
    recipient, digest = container.digest.preview(user, at, kind="staff" if staff else "member")
    if digest is None:
        console.print(f"Nothing worth sending to {recipient.user_id} at {at.isoformat()}: no digest would go out.")
        return
    if blocks:
        from bot.slack.digest import digest_message

        console.print_json(json.dumps(digest_message(digest)))
        return
    console.print(f"To {recipient.platform} {recipient.workspace_id}/{recipient.user_id} ({digest.iso_week}):\n")
    console.print(digest.to_text(), markup=False, highlight=False)


def _dry_run(container: Container, at: datetime) -> None:
    planned = container.digest.dry_run(at)
    table = Table(title=f"Digests due at {at.isoformat()} (dry run: nothing sent)")
    for column in ("kind", "recipient", "week", "items", "kinds of item"):
        table.add_column(column)
    sending = 0
    for p in planned:
        if p.digest is None:
            items, kinds = "nothing worth sending", ""
        else:
            sending += 1
            items, kinds = str(len(p.digest.suggestions)), ", ".join(sorted(p.digest.kinds()))
            if p.kind == "staff":
                items = f"{len(p.digest.facts)} figures, {items} listed"
        who = f"{p.recipient.platform} {p.recipient.workspace_id}/{p.recipient.user_id}"
        table.add_row(p.kind, who, p.iso_week, items, kinds)
    console.print(table)
    console.print(f"{sending} of {len(planned)} due digests would be sent.")


def clock_command() -> None:
    """The clock process: digests every hour for members whose local day and hour have come (one per app)."""
    from bot.scheduler import main

    main()
