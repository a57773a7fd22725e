"""A small fake of GitHub's REST API on 127.0.0.1 (real HTTP), for `tthc pr-comment` and
the review-comment workflow: GitHub itself cannot run here. It keeps one repository's
pull requests and comments in memory, pages the comment list as GitHub does, checks the
token, and records every request."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.review.comment import BOT_LOGIN

REPO, PR, HEAD, TOKEN = "owner/repo", 12, "a" * 40, "sekret-token"
_PULL = re.compile(rf"^/repos/{REPO}/pulls/(\d+)$")
_ISSUE_COMMENTS = re.compile(rf"^/repos/{REPO}/issues/(\d+)/comments$")
_COMMENT = re.compile(rf"^/repos/{REPO}/issues/comments/(\d+)$")


@dataclass
class Seen:
    method: str
    path: str
    auth: str | None
    body: Any


@dataclass
class FakeGitHub:
    """In-memory state of one repository; the token's owner is the Actions bot."""

    url: str = ""
    pulls: dict[int, str] = field(default_factory=lambda: {PR: HEAD})
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    fail: int | None = None              # answer every request with this status
    next_id: int = 1000

    def add(self, issue: int, login: str, body: str) -> int:
        self.next_id += 1
        self.comments.setdefault(issue, []).append(
            {"id": self.next_id, "user": {"login": login}, "body": body})
        return self.next_id

    def bot_comments(self, issue: int = PR) -> list[dict[str, Any]]:
        return [c for c in self.comments.get(issue, []) if c["user"]["login"] == BOT_LOGIN]

    def writes(self) -> list[Seen]:
        return [r for r in self.requests if r.method in ("POST", "PATCH", "PUT", "DELETE")]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        gh = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        body: Any = json.loads(self.rfile.read(length)) if length else None
        url = urlsplit(self.path)
        gh.requests.append(Seen(self.command, self.path, self.headers.get("Authorization"), body))
        if gh.fail is not None:
            return self._send(gh.fail, {"message": "Server Error"})
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send(401, {"message": "Bad credentials"})
        if (m := _PULL.match(url.path)) and self.command == "GET":
            number = int(m[1])
            if number not in gh.pulls:
                return self._send(404, {"message": "Not Found"})
            return self._send(200, {"number": number, "head": {"sha": gh.pulls[number]}})
        if (m := _ISSUE_COMMENTS.match(url.path)) and self.command == "GET":
            query = parse_qs(url.query)
            per_page = min(int(query.get("per_page", ["30"])[0]), 100)
            page = int(query.get("page", ["1"])[0])
            listed = gh.comments.get(int(m[1]), [])
            return self._send(200, listed[(page - 1) * per_page:page * per_page])
        if (m := _ISSUE_COMMENTS.match(url.path)) and self.command == "POST":
            ident = gh.add(int(m[1]), BOT_LOGIN, body["body"])
            return self._send(201, gh.comments[int(m[1])][-1] | {"id": ident})
        if (m := _COMMENT.match(url.path)) and self.command == "PATCH":
            for comment in (c for cs in gh.comments.values() for c in cs):
                if comment["id"] == int(m[1]):
                    comment["body"] = body["body"]
                    return self._send(200, comment)
        return self._send(404, {"message": "Not Found"})

    do_GET = do_POST = do_PATCH = _handle


class _Server(ThreadingHTTPServer):
    state: FakeGitHub


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "GH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.state = FakeGitHub(url=f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", server.state.url)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield server.state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
