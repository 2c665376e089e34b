"""A local fake of the Slack Web API (and of ``response_url`` endpoints) that records every call.

Point ``WebClient(base_url=fake.api_url)`` (or ``SLACK_API_URL``) at it. Answers come from the recorded
examples in ``tests/fixtures/slack/slack-api-specs/web-api-response-examples/<method>.json`` unless a test sets
its own with ``fake.answer(method, body)``. ``fake.fail(method, status=429, retry_after=1, times=1)`` makes the
next calls answer with a rate-limit (or a 5xx) before the normal answer, to exercise the client's retry handlers.

Any POST outside ``/api/`` is recorded as a ``response_url`` post (path kept), answered ``{"ok": true}``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fixtures_paths import SLACK_API_EXAMPLES as EXAMPLES


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str  # Web API method ("chat.postMessage"), or "response_url" for other paths
    path: str
    params: dict[str, Any]  # form fields or JSON body, JSON-looking form values decoded
    token: str | None
    at: float
    status: int  # the status the fake answered

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return list(self.params.get("blocks") or [])


@dataclass
class _Failure:
    status: int
    retry_after: int | None
    times: int


@dataclass
class FakeSlackApi:
    """Start with ``with FakeSlackApi() as fake:`` or ``fake.start()`` / ``fake.stop()``."""

    host: str = "127.0.0.1"
    calls: list[Call] = field(default_factory=list)
    _answers: dict[str, dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]] = field(default_factory=dict)
    _failures: dict[str, _Failure] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> FakeSlackApi:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                return

            def do_GET(self) -> None:  # noqa: N802
                self._handle(b"")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self._handle(self.rfile.read(length) if length else b"")

            def _handle(self, raw: bytes) -> None:
                status, headers, body = fake._respond(self.path, dict(self.headers.items()), raw)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-slack-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlackApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "fake Slack API not started"
        return f"http://{self.host}:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """What ``WebClient(base_url=...)`` / ``SLACK_API_URL`` wants (trailing slash included)."""
        return self.base_url + "/api/"

    def response_url(self, name: str = "r") -> str:
        """A ``response_url`` that lands on this fake (recorded with method ``"response_url"``)."""
        return f"{self.base_url}/response/{name}"

    # -- configuration -----------------------------------------------------------------------------
    def answer(self, method: str, body: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Answer ``method`` with ``body`` (or ``body(params)``) instead of the recorded example."""
        with self._lock:
            self._answers[method] = body

    def fail(self, method: str, *, status: int = 429, retry_after: int | None = 1, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` answer ``status`` (429 with ``Retry-After``, or 5xx)."""
        with self._lock:
            self._failures[method] = _Failure(status=status, retry_after=retry_after, times=times)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._answers.clear()
            self._failures.clear()

    # -- inspection --------------------------------------------------------------------------------
    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (not ok_only or c.status == 200)]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until ``count`` successful calls of ``method`` arrived; raise ``AssertionError`` on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            time.sleep(0.01)
        raise AssertionError(f"expected {count} call(s) to {method}, got {self.calls_to(method)} (all: {self.calls})")

    # -- request handling --------------------------------------------------------------------------
    def _respond(self, raw_path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, str], Any]:
        url = urlsplit(raw_path)
        params = _parse_params(url.query, headers, raw)
        if url.path.startswith("/api/"):
            method = url.path[len("/api/") :]
        else:
            method = "response_url"
        auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else params.get("token")
        with self._lock:
            failure = self._failures.get(method)
            status, extra, body = 200, {}, None
            if failure is not None and failure.times > 0:
                failure.times -= 1
                status = failure.status
                if failure.retry_after is not None:
                    extra["Retry-After"] = str(failure.retry_after)
                body = {"ok": False, "error": "ratelimited" if status == 429 else "internal_error"}
            answer = self._answers.get(method)
            self.calls.append(Call(method, url.path, params, token, time.time(), status))
        if body is None:
            body = answer(params) if callable(answer) else answer
        if body is None:
            body = _example(method, params)
        return status, extra, body


def _parse_params(query: str, headers: dict[str, str], raw: bytes) -> dict[str, Any]:
    ctype = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    params: dict[str, Any] = dict(parse_qsl(query))
    if raw:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:  # a file upload's bytes (files_upload_v2 posts them to the upload URL)
            params["_bytes"] = raw
            return params
        if "json" in ctype or text.startswith("{"):
            params.update(json.loads(text))
        else:
            params.update(parse_qsl(text, keep_blank_values=True))
    for key in ("blocks", "view", "attachments", "metadata"):
        value = params.get(key)
        if isinstance(value, str) and value[:1] in "[{":
            params[key] = json.loads(value)
    return params


def _example(method: str, params: dict[str, Any]) -> dict[str, Any]:
    if method == "response_url":
        return {"ok": True}
    path = EXAMPLES / f"{method}.json"
    if not path.is_file():
        return {"ok": True}
    body = json.loads(path.read_text())["200"]
    if params.get("cursor") and isinstance(body.get("response_metadata"), dict):
        body = {**body, "response_metadata": {"next_cursor": ""}}  # one page after the first, never a loop
    if method == "chat.postMessage" and params.get("channel"):
        body = {**body, "channel": params["channel"]}
    return body
