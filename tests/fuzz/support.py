"""Helpers for the property tests: a fingerprint of the whole database, signatures over raw bytes."""

from __future__ import annotations

import hashlib
import hmac
import time

from sqlalchemy import Engine, select

import models.registry  # noqa: F401  (every table)
from models.base import Base


def db_snapshot(engine: Engine) -> dict[str, str]:
    """``{table: digest of every row}``: equal snapshots mean nothing was written in between."""
    out: dict[str, str] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            digest = hashlib.sha256()
            for row in conn.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
            out[table.name] = digest.hexdigest()
    return out


def sign(raw: bytes, secret: str, content_type: str) -> dict[str, str]:
    """Slack's request signature over the exact bytes sent (``v0=`` HMAC-SHA256 of ``v0:{ts}:{body}``)."""
    ts = str(int(time.time()))
    mac = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return {"content-type": content_type, "x-slack-request-timestamp": ts, "x-slack-signature": f"v0={mac}"}
