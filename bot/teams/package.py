"""The Teams app package: ``manifest.json`` (schema v1.17) plus its two icons, zipped for sideloading.

The icons are drawn here, pixel by pixel, and written as PNG with ``zlib`` so the package needs no image
library and is byte-for-byte the same on every build (fixed zip timestamps, fixed compression).
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urlparse

from bot.config import ConfigError, Settings

MANIFEST_VERSION = "1.17"
MANIFEST_SCHEMA = (
    f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
)
ACCENT = (0x1F, 0x6F, 0x8B)
COLOR_SIZE, OUTLINE_SIZE = 192, 32
SCOPES = ("personal", "team", "groupChat")
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

#: Suggested commands in the compose box (title ≤ 32, description ≤ 128 characters, ≤ 10 per list).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("help", "How to ask, with examples and filters"),
    ("saved", "The matches you saved"),
    ("profile", "See and edit your directory profile"),
)
SHORT_DESCRIPTION = "Find researchers, tech firms, courses and funding in the cluster."
FULL_DESCRIPTION = (
    'Ask in plain language what your organization needs, for example "we need help automating TIG welding '
    'of aluminium battery trays", and get ranked researchers, technology firms, courses and funding streams '
    "from the cluster's directory, each with the reason it matched. Save matches, mark them not relevant, "
    "explore more like them or ask for an introduction. Works in a 1:1 chat and when mentioned in a channel."
)


@dataclass(frozen=True)
class PackageOptions:
    """What the manifest says about the publisher; URLs must be https."""

    developer_name: str = "clustermatch"
    website_url: str = "https://clustermatch.example.org"
    privacy_url: str = ""  # default: website + /privacy
    terms_url: str = ""  # default: website + /terms
    valid_domains: Sequence[str] = field(default_factory=tuple)
    version: str = ""  # default: the installed clustermatch version


def _package_version() -> str:
    try:
        return version("clustermatch")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.1.0"


def _https(name: str, url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.netloc:
        raise ConfigError(f"{name} must be an https:// URL, got {url!r}")
    return url


def build_manifest(settings: Settings, options: PackageOptions | None = None) -> dict[str, Any]:
    """The manifest for the bot registered as ``TEAMS_APP_ID`` (the app id and the bot id are the same)."""
    options = options or PackageOptions()
    app_id = settings.teams_app_id.strip()
    if not GUID.match(app_id):
        raise ConfigError(f"TEAMS_APP_ID must be the bot's Microsoft app id (a GUID), got {app_id!r}")
    website = _https("--website", options.website_url.rstrip("/"))
    domains = [urlparse(website).netloc, *options.valid_domains]
    commands = [{"title": title, "description": description} for title, description in COMMANDS]
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": options.version or _package_version(),
        "id": app_id,
        "developer": {
            "name": options.developer_name,
            "websiteUrl": website,
            "privacyUrl": _https("--privacy-url", options.privacy_url or f"{website}/privacy"),
            "termsOfUseUrl": _https("--terms-url", options.terms_url or f"{website}/terms"),
        },
        "name": {"short": "clustermatch", "full": "clustermatch: matchmaking for the innovation cluster"},
        "description": {"short": SHORT_DESCRIPTION, "full": FULL_DESCRIPTION},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [
            {
                "botId": app_id,
                "scopes": list(SCOPES),
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": list(SCOPES), "commands": commands}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": list(dict.fromkeys(d for d in domains if d)),
    }


def png(width: int, height: int, pixel: Callable[[float, float], tuple[int, int, int, int]]) -> bytes:
    """An RGBA PNG; ``pixel(x, y)`` gets coordinates scaled to 0..1 (pixel centres)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows.extend(pixel((x + 0.5) / width, (y + 0.5) / height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits, RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def _in_ring(x: float, y: float, cx: float, r: float, width: float) -> bool:
    d = ((x - cx) ** 2 + (y - 0.5) ** 2) ** 0.5
    return abs(d - r) <= width / 2


def _mark(x: float, y: float, width: float) -> bool:
    """Two interlocking rings: two members matched."""
    return _in_ring(x, y, 0.38, 0.2, width) or _in_ring(x, y, 0.62, 0.2, width)


def color_icon() -> bytes:
    """192×192, white mark on the accent colour."""
    return png(COLOR_SIZE, COLOR_SIZE, lambda x, y: (255, 255, 255, 255) if _mark(x, y, 0.07) else (*ACCENT, 255))


def outline_icon() -> bytes:
    """32×32, white mark on a transparent background (as Teams requires for the outline icon)."""
    return png(OUTLINE_SIZE, OUTLINE_SIZE, lambda x, y: (255, 255, 255, 255) if _mark(x, y, 0.11) else (0, 0, 0, 0))


def build_package(settings: Settings, options: PackageOptions | None = None) -> bytes:
    """The zip to upload in Teams (Apps → Manage your apps → Upload an app): manifest and icons at its root."""
    manifest = build_manifest(settings, options)
    files = {
        "manifest.json": json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"),
        "color.png": color_icon(),
        "outline.png": outline_icon(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
