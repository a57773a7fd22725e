"""`tthc pr-comment` against a small fake GitHub REST API on 127.0.0.1 (real HTTP)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_github import HEAD, PR, REPO, TOKEN, FakeGitHub, github

from generator.cli import main
from generator.review.comment import BOT_LOGIN, MAX_BODY, CommentError, post_comment
from generator.review.markdown import MARKER

__all__ = ["github"]   # the fixture


def test_first_post_creates_then_second_updates_same_comment(github: FakeGitHub) -> None:
    done, ident = post_comment(REPO, str(PR), f"{MARKER}\nlần 1", head_sha=HEAD)
    assert done == "created"
    [only] = github.bot_comments()
    assert only["id"] == ident and only["body"].startswith(MARKER)
    assert all(r.auth == f"Bearer {TOKEN}" for r in github.requests)

    assert post_comment(REPO, str(PR), f"{MARKER}\nlần 2", head_sha=HEAD) == ("updated", ident)
    assert [(r.method, r.path) for r in github.writes()] == [
        ("POST", f"/repos/{REPO}/issues/{PR}/comments"),
        ("PATCH", f"/repos/{REPO}/issues/comments/{ident}")]
    assert [c["body"] for c in github.bot_comments()] == [f"{MARKER}\nlần 2"]


def test_other_users_marker_comment_is_never_edited(github: FakeGitHub) -> None:
    forged = github.add(PR, "mallory", f"{MARKER}\ngiả mạo")
    done, ident = post_comment(REPO, str(PR), f"{MARKER}\nthật")
    assert done == "created" and ident != forged
    assert github.comments[PR][0] == {"id": forged, "user": {"login": "mallory"},
                                      "body": f"{MARKER}\ngiả mạo"}
    assert [r.method for r in github.writes()] == ["POST"]


def test_bot_comment_on_second_page_is_found(github: FakeGitHub) -> None:
    for n in range(130):
        github.add(PR, "reviewer" if n % 2 else BOT_LOGIN, f"bình luận {n}")  # bot, no marker
    ours = github.add(PR, BOT_LOGIN, f"{MARKER}\ncũ")
    assert post_comment(REPO, str(PR), f"{MARKER}\nmới") == ("updated", ours)
    assert [r.path.split("?")[1] for r in github.requests if r.method == "GET"] == [
        "per_page=100&page=1", "per_page=100&page=2"]
    assert [c["body"] for c in github.bot_comments() if c["id"] == ours] == [f"{MARKER}\nmới"]
    assert len(github.comments[PR]) == 131


@pytest.mark.parametrize("pr", ["12; rm -rf /", "", "abc", "-12", "12/../13", "²", "١٢", "0"])
def test_untrusted_pr_number_refused_before_any_request(github: FakeGitHub, pr: str) -> None:
    with pytest.raises(CommentError, match="số pull request"):
        post_comment(REPO, pr, f"{MARKER}\nx", head_sha=HEAD)
    assert github.requests == []


@pytest.mark.parametrize("repo", ["a/b/c", "owner", "owner/repo?x=1", "", "../x", "owner/..",
                                  "owner/repo\n"])
def test_untrusted_repo_refused_before_any_request(github: FakeGitHub, repo: str) -> None:
    with pytest.raises(CommentError, match="tên kho"):
        post_comment(repo, str(PR), f"{MARKER}\nx", head_sha=HEAD)
    assert github.requests == []


@pytest.mark.parametrize("pr, sha", [(PR, "b" * 40), (PR, ""), (99, HEAD)])
def test_head_not_the_reviewed_commit_is_not_posted(github: FakeGitHub, pr: int,
                                                    sha: str) -> None:
    github.add(PR, BOT_LOGIN, f"{MARKER}\ncũ")
    with pytest.raises(CommentError, match="không" if pr == PR else "HTTP 404"):
        post_comment(REPO, str(pr), f"{MARKER}\nx", head_sha=sha)
    assert github.writes() == []
    assert [r.path for r in github.requests] == [f"/repos/{REPO}/pulls/{pr}"]


def test_long_body_is_cut_and_marker_is_prepended(github: FakeGitHub) -> None:
    _, ident = post_comment(REPO, str(PR), "x" * 70_000)
    [posted] = github.writes()
    assert posted.body["body"].startswith(f"{MARKER}\nxxx")
    assert len(posted.body["body"]) <= MAX_BODY < 65_536
    assert "cắt bớt" in posted.body["body"]

    post_comment(REPO, str(PR), "## Báo cáo\nngắn")
    assert github.writes()[-1].body == {"body": f"{MARKER}\n## Báo cáo\nngắn"}
    assert [c["id"] for c in github.bot_comments()] == [ident]


def test_missing_token_refused(github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    with pytest.raises(CommentError, match="GITHUB_TOKEN"):
        post_comment(REPO, str(PR), f"{MARKER}\nx")
    assert github.requests == []


@pytest.mark.parametrize("status", [500, 401])
def test_http_errors_become_comment_errors(github: FakeGitHub, status: int,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if status == 401:
        monkeypatch.setenv("GITHUB_TOKEN", "wrong")
    else:
        github.fail = status
    with pytest.raises(CommentError, match=f"HTTP {status}"):
        post_comment(REPO, str(PR), f"{MARKER}\nx", head_sha=HEAD)
    assert github.writes() == [] and len(github.requests) == 1


def test_cli_creates_updates_and_refuses(github: FakeGitHub, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    body = tmp_path / "comment.md"
    body.write_text(f"{MARKER}\nbáo cáo", "utf-8")
    argv = ["pr-comment", "--repo", REPO, "--pr", str(PR), "--body", str(body)]
    assert main([*argv, "--head-sha", HEAD]) == 0
    [ours] = github.bot_comments()
    assert f"đã tạo bình luận {ours['id']}" in capsys.readouterr().out
    assert main(argv) == 0
    assert f"đã cập nhật bình luận {ours['id']}" in capsys.readouterr().out

    sent = len(github.requests)
    assert main([*argv, "--head-sha", "c" * 40]) == 1
    out = capsys.readouterr()
    assert out.out == "" and "tthc pr-comment:" in out.err and "c" * 40 in out.err
    assert main([*argv[:4], "12; rm -rf /", *argv[5:]]) == 1
    assert "số pull request không hợp lệ" in capsys.readouterr().err
    assert len(github.writes()) == 2 and len(github.requests) == sent + 1
