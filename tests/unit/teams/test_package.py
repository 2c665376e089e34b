"""The Teams app package: a manifest with every field the v1.17 schema requires, two exact-size icons."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.config import ConfigError, Settings
from bot.teams.package import PackageOptions, build_manifest, build_package

APP_ID = "5baea8d1-d4ea-43a1-b101-882f4c8d9cb4"
SETTINGS = Settings(teams_app_id=APP_ID, teams_app_password="secret")
SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, RGBA pixels) of an 8-bit RGBA, filter-0 PNG such as ours; checks every chunk CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        chunks[kind] = chunks.get(kind, b"") + body
        pos += 12 + length
    width, height, depth, color_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, color_type) == (8, 6)
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = 1 + 4 * width
    pixels = [raw[y * stride + 1 + 4 * x : y * stride + 5 + 4 * x] for y in range(height) for x in range(width)]
    return width, height, pixels


def test_manifest_has_every_required_field_within_limits() -> None:
    m = build_manifest(
        SETTINGS, PackageOptions(website_url="https://cluster.example.ca", valid_domains=("bot.cluster.example.ca",))
    )
    for key in (
        "$schema",
        "manifestVersion",
        "version",
        "id",
        "developer",
        "name",
        "description",
        "icons",
        "accentColor",
    ):
        assert key in m, key
    assert m["manifestVersion"] == "1.17" and "/v1.17/" in m["$schema"]
    assert SEMVER.match(m["version"]) and GUID.match(m["id"])
    assert set(m["developer"]) >= {"name", "websiteUrl", "privacyUrl", "termsOfUseUrl"}
    assert all(m["developer"][k].startswith("https://") for k in ("websiteUrl", "privacyUrl", "termsOfUseUrl"))
    assert len(m["developer"]["name"]) <= 32
    assert 0 < len(m["name"]["short"]) <= 30 and len(m["name"]["full"]) <= 100
    assert 0 < len(m["description"]["short"]) <= 80 and 0 < len(m["description"]["full"]) <= 4000
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", m["accentColor"])
    assert m["icons"] == {"color": "color.png", "outline": "outline.png"}
    [bot] = m["bots"]
    assert bot["botId"] == APP_ID == m["id"]
    assert bot["scopes"] == ["personal", "team", "groupChat"]
    [commands] = bot["commandLists"]
    assert commands["scopes"] == bot["scopes"] and 0 < len(commands["commands"]) <= 10
    assert all(len(c["title"]) <= 32 and 0 < len(c["description"]) <= 128 for c in commands["commands"])
    assert {"help", "saved", "profile"} <= {c["title"] for c in commands["commands"]}
    assert m["validDomains"] == ["cluster.example.ca", "bot.cluster.example.ca"]


def test_package_holds_manifest_and_icons_of_the_exact_sizes() -> None:
    files = _files(build_package(SETTINGS))
    assert set(files) == {"manifest.json", "color.png", "outline.png"}
    assert json.loads(files["manifest.json"])["bots"][0]["botId"] == APP_ID

    width, height, color = _decode_png(files["color.png"])
    assert (width, height) == (192, 192)
    assert all(p[3] == 255 for p in color) and len(set(color)) == 2  # opaque: accent background and white mark

    width, height, outline = _decode_png(files["outline.png"])
    assert (width, height) == (32, 32)
    assert set(outline) == {b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"}  # white on transparent only


def test_package_is_byte_for_byte_reproducible() -> None:
    assert build_package(SETTINGS) == build_package(SETTINGS)


@pytest.mark.parametrize(
    ("settings", "options", "message"),
    [
        (Settings(), PackageOptions(), "TEAMS_APP_ID must be the bot's Microsoft app id"),
        (Settings(teams_app_id="my-bot"), PackageOptions(), "TEAMS_APP_ID must be"),
        (SETTINGS, PackageOptions(website_url="http://insecure.example"), "--website must be an https:// URL"),
        (SETTINGS, PackageOptions(privacy_url="ftp://x"), "--privacy-url must be an https:// URL"),
    ],
)
def test_bad_input_is_named(settings: Settings, options: PackageOptions, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        build_manifest(settings, options)


def test_cli_writes_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    monkeypatch.setenv("TEAMS_APP_PASSWORD", "secret")
    out = tmp_path / "pkg" / "teams.zip"
    result = CliRunner().invoke(cli, ["teams-package", "--out", str(out), "--website", "https://cluster.example.ca"])
    assert result.exit_code == 0, result.output
    assert (
        json.loads(_files(out.read_bytes())["manifest.json"])["developer"]["websiteUrl"] == "https://cluster.example.ca"
    )


def test_cli_names_the_missing_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    result = CliRunner().invoke(cli, ["teams-package", "--out", str(tmp_path / "x.zip")])
    assert result.exit_code == 2
    assert "TEAMS_APP_ID" in result.output and not (tmp_path / "x.zip").exists()


def test_cli_takes_the_app_id_without_the_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    out = tmp_path / "teams.zip"
    result = CliRunner().invoke(cli, ["teams-package", "--out", str(out), "--app-id", APP_ID])
    assert result.exit_code == 0, result.output
    assert json.loads(_files(out.read_bytes())["manifest.json"])["id"] == APP_ID
