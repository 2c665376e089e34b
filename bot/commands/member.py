"""Staff commands about members' data: ``clustermatch member export|forget|visibility|staff|link|unlink`` and
``audit``.

A member id is ``person:<external_id>`` or a chat account ``slack:<team>:<user>`` / ``teams:<tenant>:<user>``.
Every change is written to the audit log with the operator (``cli:<login>``) as the actor.
"""

from __future__ import annotations

import getpass
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from bot.bootstrap import Container, bootstrap
from bot.core.errors import UserFacingError
from bot.core.privacy.subject import parse_subject
from models.directory import PlatformAccount
from models.privacy import audit, entries

console = Console()
errors = Console(stderr=True)
member_app = typer.Typer(help="A member's data: export it, forget it, change who can find them.",
                         no_args_is_help=True)
_RELATIVE = re.compile(r"^(\d+)\s*([dhm])$")


def register(app: typer.Typer) -> None:
    app.add_typer(member_app, name="member")
    app.command("audit")(audit_command)


def operator() -> str:
    """Who runs the command, as the audit log names them."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def _container() -> Container:
    return bootstrap()


def _check_id(member: str) -> None:
    try:
        parse_subject(member)
    except ValueError as exc:
        errors.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from None


MemberArg = Annotated[str, typer.Argument(help="person:<external_id>, slack:<team>:<user> or teams:<tenant>:<user>")]


@member_app.command("export")
def export_command(
    member: MemberArg,
    out: Annotated[Path | None, typer.Option("--out", help="Write the JSON here instead of to the terminal.")] = None,
) -> None:
    """Everything held about a member, as JSON (the file a member gets from "Download my data")."""
    _check_id(member)
    privacy = _container().privacy
    data = privacy.export(member, actor=operator())
    text = privacy.to_json(data)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        errors.print(f"{privacy.record_count(data)} records written to {out}", highlight=False)
    if privacy.record_count(data) == 0:
        errors.print(f"Nothing is held about {member}.", highlight=False)


@member_app.command("forget")
def forget_command(
    member: MemberArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would be deleted; delete nothing.")] = False,
) -> None:
    """Delete everything that identifies a member (a forget request); logged with counts only."""
    _check_id(member)
    privacy = _container().privacy
    preview = privacy.preview_forget(member)
    if not preview.found or preview.total == 0:
        console.print(f"Nothing is held about {member}; nothing to delete.", highlight=False)
        return
    _print_counts(f"{'Would delete' if dry_run else 'Deleting'} for {member}", preview.deleted, preview.rewritten)
    if dry_run:
        return
    if not yes and not typer.confirm(f"Delete {preview.total} records about {member}? This cannot be undone."):
        raise typer.Exit(1)
    report = privacy.forget(member, actor=operator())
    console.print(f"Deleted {report.total} records (audit entry forget:{report.deletion_id}).", highlight=False)


@member_app.command("visibility")
def visibility_command(
    member: MemberArg,
    level: Annotated[str | None, typer.Argument(help="public, staff or hidden; omit to show the current one.")] = None,
) -> None:
    """Show or change who can find a member's profile (staff changes are audited)."""
    _check_id(member)
    privacy = _container().privacy
    if level is None:
        current = privacy.visibility(member)
        console.print(current or f"{member} has no profile.", highlight=False)
        return
    try:
        old, new = privacy.set_visibility(member, level, actor=operator())
    except UserFacingError as exc:
        errors.print(f"[red]{exc.message}[/red]", highlight=False)
        raise typer.Exit(1) from None
    console.print(f"{member}: {old} -> {new}" if old != new else f"{member} is already {new}.", highlight=False)


@member_app.command("staff")
def staff_command(
    member: Annotated[str, typer.Argument(help="slack:<team>:<user> or teams:<tenant>:<user>")],
    off: Annotated[bool, typer.Option("--off", help="Remove the staff flag instead of setting it.")] = False,
) -> None:
    """Mark a chat account as cluster staff (sees staff-only profiles, staff buttons); audited."""
    parsed = parse_subject(member) if ":" in member else ("",)
    if len(parsed) != 3:
        errors.print("[red]Give a chat account: slack:<team>:<user> or teams:<tenant>:<user>.[/red]")
        raise typer.Exit(2)
    platform, workspace, user = parsed  # type: ignore[misc]
    container = _container()
    with container.sessions.begin() as s:
        account = s.scalars(select(PlatformAccount).where(
            PlatformAccount.platform == platform, PlatformAccount.workspace_id == workspace,
            PlatformAccount.user_id == user)).one_or_none()
        if account is None:
            account = PlatformAccount(platform=platform, workspace_id=workspace, user_id=user)
            s.add(account)
        account.is_staff = not off
        audit(s, operator(), "member.staff", member, {"staff": not off})
    console.print(f"{member} is {'no longer ' if off else ''}staff.", highlight=False)


def _chat_account(member: str) -> tuple[str, str, str]:
    parsed = parse_subject(member) if member.startswith(("slack:", "teams:")) else ("",)
    if len(parsed) != 3:
        errors.print("[red]Give a chat account: slack:<team>:<user> or teams:<tenant>:<user>.[/red]")
        raise typer.Exit(2)
    return parsed  # type: ignore[return-value]


@member_app.command("link")
def link_command(
    account: Annotated[str, typer.Argument(help="slack:<team>:<user> or teams:<tenant>:<user>")],
    person: Annotated[str, typer.Argument(help="person:<external_id> of the imported person")],
    admin: Annotated[bool, typer.Option("--admin", help="May approve others joining the organization.")] = False,
) -> None:
    """Link a chat account to an imported person (audited); the member then sees and edits that profile."""
    chat = _chat_account(account)
    try:
        text = _container().members.link(chat, person, operator(), admin=admin)
    except UserFacingError as exc:
        errors.print(f"[red]{exc.message}[/red]", highlight=False)
        raise typer.Exit(1) from None
    console.print(text, highlight=False)


@member_app.command("unlink")
def unlink_command(account: Annotated[str, typer.Argument(help="slack:<team>:<user> or teams:<tenant>:<user>")],
                   ) -> None:
    """Detach a chat account from its person (the person stays in the directory); audited."""
    chat = _chat_account(account)
    try:
        text = _container().members.unlink(chat, operator())
    except UserFacingError as exc:
        errors.print(f"[red]{exc.message}[/red]", highlight=False)
        raise typer.Exit(1) from None
    console.print(text, highlight=False)


def parse_since(raw: str | None, now: datetime | None = None) -> datetime | None:
    """``7d``, ``24h``, ``30m`` or an ISO date / date-time (UTC when no zone); raises ``typer.BadParameter``."""
    if not raw:
        return None
    now = now or datetime.now(UTC)
    relative = _RELATIVE.match(raw.strip().lower())
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2)
        return now - {"d": timedelta(days=amount), "h": timedelta(hours=amount), "m": timedelta(minutes=amount)}[unit]
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise typer.BadParameter(f"--since must be like 7d, 24h or 2026-03-01, got {raw!r}") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def audit_command(
    since: Annotated[str | None, typer.Option("--since", help="7d, 24h, 30m or an ISO date.")] = None,
    action: Annotated[str | None, typer.Option("--action", help='An action, or a prefix ending in "." (intro.).')]
    = None,
    target: Annotated[str | None, typer.Option("--target", help="Only entries about this target.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Newest entries shown.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")] = False,
) -> None:
    """List audit log entries (staff actions, imports, forget requests, visibility changes), newest first."""
    start = parse_since(since)
    container = _container()
    with container.sessions() as s:
        rows = entries(s, since=start, action=action, target=target, limit=limit)
        found = [(e.at, e.actor, e.action, e.target, e.details) for e in rows]
    if as_json:
        for at, actor, act, tgt, details in found:
            typer.echo(json.dumps({"at": at.isoformat(), "actor": actor, "action": act, "target": tgt,
                                   "details": details}, ensure_ascii=False))
        return
    table = Table(title=f"Audit log{f' since {start:%Y-%m-%d %H:%M} UTC' if start else ''} ({len(found)} entries)")
    for column in ("when (UTC)", "actor", "action", "target", "details"):
        table.add_column(column, overflow="fold")
    for at, actor, act, tgt, details in found:
        table.add_row(f"{at:%Y-%m-%d %H:%M:%S}", actor, act, tgt or "", json.dumps(details, ensure_ascii=False))
    console.print(table)


def _print_counts(title: str, deleted: dict[str, int], rewritten: dict[str, int]) -> None:
    table = Table(title=title)
    table.add_column("table")
    table.add_column("rows deleted", justify="right")
    table.add_column("rows rewritten", justify="right")
    for name in sorted(set(deleted) | set(rewritten)):
        table.add_row(name, str(deleted.get(name, 0)), str(rewritten.get(name, 0)))
    console.print(table)
