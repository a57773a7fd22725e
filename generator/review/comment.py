"""`tthc pr-comment`: post the review report as one sticky pull-request comment.

Run by the `review-comment` workflow, which GitHub starts after CI with write access that
the pull request's own run never gets (a pull request from a fork must not hold a token
that can write). What it receives from that run is untrusted: the pull request number must
be a number, and the pull request's head must be the commit the run reviewed. The comment
is found again by its marker and the bot's login, and updated in place: one comment per
pull request, however many pushes.

Talks to the GitHub REST API at `GITHUB_API_URL` (default https://api.github.com) with the
token in `GITHUB_TOKEN`; nothing else.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from typing import Any

from .markdown import MARKER

BOT_LOGIN = "github-actions[bot]"
MAX_BODY = 65_000              # characters; GitHub refuses comments over 65,536
_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_NUMBER = re.compile(r"[1-9][0-9]{0,9}")     # ASCII digits only


class CommentError(Exception):
    """The comment could not be posted: says why."""


def post_comment(repo: str, pr: str, body: str, *, head_sha: str | None = None,
                 token: str | None = None, api: str | None = None,
                 bot: str = BOT_LOGIN) -> tuple[str, int]:
    """Create or update the review comment; returns ("created" | "updated", comment id)."""
    names = repo.split("/")
    if len(names) != 2 or not all(_NAME.fullmatch(n) and n not in (".", "..") for n in names):
        raise CommentError(f"tên kho không hợp lệ: {repo[:80]!r} (cần OWNER/NAME)")
    if not _NUMBER.fullmatch(pr.strip()):
        raise CommentError(f"số pull request không hợp lệ: {pr[:40]!r}")
    client = _Client(api or os.environ.get("GITHUB_API_URL", "https://api.github.com"),
                     token or os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN"))
    number = int(pr)
    if head_sha is not None:
        pull = client.call("GET", f"/repos/{repo}/pulls/{number}")
        actual = pull.get("head", {}).get("sha") if isinstance(pull, dict) else None
        if actual != head_sha:
            raise CommentError(f"pull request #{number} có đầu {actual}, không phải {head_sha} "
                               "đã được rà soát: không đăng")
    if not body.startswith(MARKER):
        body = f"{MARKER}\n{body}"
    if len(body) > MAX_BODY:
        body = body[:MAX_BODY - 80] + "\n\n_… (cắt bớt; xem báo cáo đầy đủ trong artifact)_\n"
    existing = _find(client, repo, number, bot)
    if existing is not None:
        client.call("PATCH", f"/repos/{repo}/issues/comments/{existing}", {"body": body})
        return "updated", existing
    made = client.call("POST", f"/repos/{repo}/issues/{number}/comments", {"body": body})
    return "created", int(made["id"])


def _find(client: _Client, repo: str, number: int, bot: str) -> int | None:
    page = 1
    while True:
        comments = client.call("GET", f"/repos/{repo}/issues/{number}/comments"
                                      f"?per_page=100&page={page}")
        for comment in comments:
            if (comment.get("user", {}).get("login") == bot
                    and str(comment.get("body", "")).startswith(MARKER)):
                return int(comment["id"])
        if len(comments) < 100:
            return None
        page += 1


class _Client:
    def __init__(self, api: str, token: str | None) -> None:
        if not token:
            raise CommentError("thiếu GITHUB_TOKEN")
        self.api, self.token = api.rstrip("/"), token

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.api + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28", "Content-Type": "application/json",
            "User-Agent": "tthc-review"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise CommentError(f"{method} {path}: HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            raise CommentError(f"{method} {path}: {exc.reason}") from None
        except ValueError as exc:                   # not JSON, or not a valid URL
            raise CommentError(f"{method} {path}: {exc}") from None
