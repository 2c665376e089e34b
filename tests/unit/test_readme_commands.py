"""Every command the README shows exists: ``clustermatch ...`` lines name a real command (or group and
subcommand) with the options they show, and answer ``--help``; ``make ...`` lines name Makefile targets;
``scripts/...`` paths exist. A renamed command or target fails here instead of in a reader's terminal."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from bot.cli import app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMAND = re.compile(r"(?:^|[\s`(])((?:\.venv/bin/)?(?:clustermatch|make)\s[^`#\n·]*)")


def readme_commands(text: str) -> list[str]:
    """Command lines from fenced blocks and inline code spans, comments and ``·``-separated pairs split."""
    found: list[str] = []
    chunks = re.findall(r"```[a-z]*\n(.*?)```", text, re.S) + re.findall(r"(?<!`)`([^`\n]+)`(?!`)", text)
    for chunk in chunks:
        for line in chunk.splitlines():
            for part in re.split(r"\s+·\s+|&&|;", line.split("  #")[0]):
                m = COMMAND.search(" " + part.strip())
                if m:
                    found.append(m.group(1).strip().removeprefix(".venv/bin/"))
    return sorted(set(found))


def words(line: str) -> list[str]:
    """The line's words without the README's placeholders: ``[--kind researcher]`` keeps ``--kind``."""
    cleaned = re.sub(r"[\[\]]", " ", line)
    try:
        return shlex.split(cleaned)
    except ValueError:
        return cleaned.split()


def resolve(root: Any, argv: list[str]) -> tuple[Any, list[str], list[str]]:
    """The command ``argv`` runs (groups descended), the path to it and the rest of its words. Groups are told
    by their ``commands`` mapping (Typer ships its own Click: no isinstance on ``click``)."""
    command = root
    path: list[str] = []
    rest = list(argv)
    while hasattr(command, "commands") and rest and not rest[0].startswith("-"):
        sub = command.commands.get(rest[0])
        if sub is None:
            raise LookupError(f"no command {' '.join([*path, rest[0]])!r}")
        command, path, rest = sub, [*path, rest.pop(0)], rest
    return command, path, rest


def options_of(command: Any) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"--help"}


CLI_LINES = [c for c in readme_commands(README) if c.startswith("clustermatch ")]
MAKE_LINES = [c for c in readme_commands(README) if c.startswith("make ")]


def test_the_readme_shows_commands_of_both_kinds() -> None:
    assert len(CLI_LINES) >= 20 and {"make run", "make test"} <= set(MAKE_LINES)


@pytest.mark.parametrize("line", CLI_LINES)
def test_each_clustermatch_command_exists_with_its_options(line: str) -> None:
    root = typer.main.get_command(app)
    command, path, rest = resolve(root, words(line)[1:])
    assert path, f"{line!r} names no command"
    shown = {o for w in rest if w.startswith("--") for o in w.split("=")[0].split("/")}
    unknown = sorted(o for o in shown if o not in options_of(command))
    assert not unknown, f"{line!r}: {' '.join(path)} has no option {', '.join(unknown)}"
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output


def makefile_targets(text: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, re.M)}


@pytest.mark.parametrize("line", MAKE_LINES)
def test_each_make_command_is_a_target(line: str) -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = [w for w in words(line)[1:] if "=" not in w and not w.startswith("-")]
    assert targets, line
    known = makefile_targets(makefile)
    assert set(targets) <= known, f"{line!r}: the Makefile has no target {sorted(set(targets) - known)}"
    for variable in (w.split("=")[0] for w in words(line)[1:] if "=" in w):
        assert re.search(rf"\b{variable}\b", makefile), f"{line!r}: the Makefile never reads {variable}"


def test_scripts_the_readme_runs_exist() -> None:
    shown = set(re.findall(r"\bscripts/[\w/]+\.py\b", README))
    assert shown, "the README runs some scripts"
    assert sorted(s for s in shown if not (ROOT / s).is_file()) == []


def test_the_parsers_catch_a_missing_command_and_option() -> None:
    sample = "```\nclustermatch nope --x  # comment\nmake nowhere\n```\nand `clustermatch ask --kind k` inline"
    assert readme_commands(sample) == ["clustermatch ask --kind k", "clustermatch nope --x", "make nowhere"]
    root = typer.main.get_command(app)
    with pytest.raises(LookupError):
        resolve(root, ["nope"])
    command, path, _ = resolve(root, ["ask", "text"])
    assert path == ["ask"] and "--no-such-option" not in options_of(command)
    assert "nowhere" not in makefile_targets((ROOT / "Makefile").read_text(encoding="utf-8"))
