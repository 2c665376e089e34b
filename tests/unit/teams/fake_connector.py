"""A local fake of the Bot Connector REST API that Teams' ``serviceUrl`` points to; records every call.

Use a stored conversation reference (or an inbound activity) whose ``serviceUrl`` is ``fake.url``; the SDK's
connector client then posts here instead of to ``smba.trafficmanager.net``. ``fake.fail(403,
"ConversationBlockedByUser")`` makes the next call answer with that error, as Teams does
(``{"error": {"code", "message"}}``); ``retry_after`` sets the header a 429 carries.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class ConnectorCall:
    method: str
    path: str
    body: dict[str, Any]
    authorization: str | None
    status: int

    @property
    def card(self) -> dict[str, Any] | None:
        for attachment in self.body.get("attachments") or ():
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return dict(attachment["content"])
        return None


@dataclass
class _Failure:
    status: int
    code: str | None
    retry_after: float | None
    path: str | None = None  # only calls whose path contains this fail


@dataclass
class FakeConnector:
    host: str = "127.0.0.1"
    calls: list[ConnectorCall] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://{self.host}:{self._server.server_address[1]}/"

    def fail(
        self,
        status: int,
        code: str | None = None,
        *,
        retry_after: float | None = None,
        times: int = 1,
        path: str | None = None,
    ) -> None:
        """The next ``times`` calls (whose path contains ``path``, if given) answer ``status`` with ``code``."""
        with self._lock:
            self._failures.extend(_Failure(status, code, retry_after, path) for _ in range(times))

    @property
    def activities(self) -> list[ConnectorCall]:
        """Successful posts of activities (typing indicators included), in order."""
        return [c for c in self.calls if c.status < 300 and "/activities" in c.path]

    @property
    def messages(self) -> list[ConnectorCall]:
        return [c for c in self.activities if c.body.get("type") == "message"]

    def start(self) -> FakeConnector:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw or b"{}")
                with fake._lock:
                    matching = [f for f in fake._failures if f.path is None or f.path in self.path]
                    failure = matching[0] if matching else None
                    if failure is not None:
                        fake._failures.remove(failure)
                if failure is not None:
                    status = failure.status
                    payload: dict[str, Any] = {"error": {"code": failure.code or str(status), "message": "fake"}}
                elif self.path.rstrip("/").endswith("/v3/conversations"):
                    status, payload = 201, {"id": f"a:opened-{len(fake.calls)}", "activityId": "1"}
                else:
                    status, payload = 200, {"id": f"activity-{len(fake.calls)}"}
                with fake._lock:
                    fake.calls.append(ConnectorCall("POST", self.path, body, self.headers.get("Authorization"), status))
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if failure is not None and failure.retry_after is not None:
                    self.send_header("Retry-After", str(failure.retry_after))
                self.end_headers()
                self.wfile.write(data)

            do_PUT = do_POST  # noqa: N815 (update_activity)

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeConnector:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
