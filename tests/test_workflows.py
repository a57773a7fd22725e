"""The GitHub workflows: valid against GitHub's workflow schema, actions pinned by commit,
least permissions; and the publish job's own commands, run here as written, on a real
temporary repository with keys from `tthc keys init`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from fake_github import REPO, FakeGitHub, github
from review_project import make_review_project
from site_project import git, keys_secret, make_signed_project

from generator.review.markdown import MARKER

__all__ = ["github"]   # the fixture
WORKFLOWS = sorted((Path(__file__).parent.parent / ".github/workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def _workflow(name: str) -> dict[str, Any]:
    path = next(p for p in WORKFLOWS if p.name == name)
    data: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return data


def test_the_workflows_pass_githubs_workflow_schema() -> None:
    done = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema",
                           "vendor.github-workflows", *map(str, WORKFLOWS)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_and_permissions_are_least(path: Path) -> None:
    text = path.read_text("utf-8")
    for action in re.findall(r"uses:\s*(\S+)", text):
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), f"{action} not pinned"
    data = yaml.safe_load(text)
    assert data["permissions"] == {"contents": "read"}
    assert "concurrency" in data
    triggers = data[True]            # YAML 1.1 reads the key `on` as true
    assert "pull_request_target" not in triggers   # never run a fork's code with secrets
    writes = {name: job["permissions"] for name, job in data["jobs"].items()
              if "write" in job.get("permissions", {}).values()}
    if "pull_request" in triggers:
        assert writes == {}          # a fork's pull request runs this: nothing may write
    for step in (s for job in data["jobs"].values() for s in job["steps"]):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_the_publish_job_commands_pass_on_a_real_repository(tmp_path: Path) -> None:
    root, keys = make_signed_project(tmp_path)
    secret = keys_secret(keys)
    env = {**os.environ, "TTHC_KEYS": secret, "TTHC_SITE_URL": "https://tthc.example.vn/",
           "RUNNER_TEMP": str(tmp_path / "runner"), "PATH": f"{BIN}:{os.environ['PATH']}"}
    env.pop("TTHC_KEYS_DIR", None)
    (tmp_path / "runner").mkdir()
    steps = _workflow("publish.yml")["jobs"]["build"]["steps"]
    commands = [s for s in steps if "run" in s and not s["run"].startswith("python -m pip")]
    assert [s["name"] for s in commands] == [
        "Build and sign (the README's main command, with the real keys)",
        "Verify the feed as a portal would (tthc sync from the pinned root)"]
    for step in commands:
        script = step["run"].replace("8001", str(_free_port()))
        done = subprocess.run(["bash", "-e", "-c", script], cwd=root, env=env,
                              capture_output=True, text=True, check=False, timeout=300)
        assert done.returncode == 0, f"{step['name']}:\n{done.stdout}{done.stderr}"
    shutil.rmtree(tmp_path / "runner")
    root_doc = json.loads((root / "site/api/v1/index.json").read_bytes())
    assert root_doc["development"] is False
    assert "https://tthc.example.vn/" in (root / "site/sitemap.xml").read_text("utf-8")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _steps(workflow: str, job: str) -> list[dict[str, Any]]:
    steps = _workflow(workflow)["jobs"][job]["steps"]
    return [s for s in steps if "run" in s and not s["run"].startswith("python -m pip")]


def _run(step: dict[str, Any], root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=root,
                          env={**env, **{k: str(v) for k, v in step.get("env", {}).items()
                                         if "${{" not in str(v)}},
                          capture_output=True, text=True, check=False, timeout=300)


def test_the_pull_request_jobs_commands_pass_on_a_real_repository(tmp_path: Path,
                                                                   github: FakeGitHub) -> None:
    """The validate and review jobs, run as written on a proposal with two mistakes: the
    validator fails on them with annotations, the review job writes the report artifact,
    and the review-comment job posts it (to a fake GitHub API: the real one cannot run
    here) as one comment, updated on the next run."""
    root = make_review_project(tmp_path / "project")
    summary = tmp_path / "summary.md"
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}",
           "GITHUB_STEP_SUMMARY": str(summary)}
    validate = _steps("ci.yml", "validate")
    assert [s["name"] for s in validate] == [
        "Validate content", "Canonical layout", "Code owners follow the agency files"]
    results = [_run(step, root, env) for step in validate]
    assert [r.returncode for r in results] == [1, 0, 0], [r.stdout + r.stderr for r in results]
    assert ("::error file=content/decisions/bo-tu-phap/2026/200-qd-btp.yaml,line=17,col=12,"
            "title=[name-mismatch]::") in results[0].stdout
    git(root, "checkout", "-q", "main")
    assert [_run(step, root, env).returncode for step in validate] == [0, 0, 0]
    git(root, "checkout", "-q", "de-nghi")

    [review] = _steps("ci.yml", "review")
    shas = {"BASE_SHA": _rev(root, "main"), "HEAD_SHA": _rev(root, "de-nghi"), "PR_NUMBER": "17"}
    done = _run(review, root, {**env, **shas})
    assert done.returncode == 0, done.stdout + done.stderr
    artifact = root / "review"
    assert sorted(p.name for p in artifact.iterdir()) == [
        "comment.md", "head-sha", "pr-number", "review.json", "review.md"]
    assert (artifact / "pr-number").read_text().strip() == "17"
    comment = (artifact / "comment.md").read_text("utf-8")
    assert comment.startswith(MARKER) and "| Bãi bỏ | `2.000104` |" in comment
    assert summary.read_text("utf-8") == comment
    assert json.loads((artifact / "review.json").read_text("utf-8"))["flags"] == 5

    download, post = (s for s in _workflow("review-comment.yml")["jobs"]["comment"]["steps"]
                      if "run" in s and not s["run"].startswith("python -m pip"))
    assert "gh run download" in download["run"]          # needs GitHub: the artifact is
    runner = tmp_path / "runner"                         # put where it would download it
    shutil.copytree(artifact, runner / "review")
    github.pulls = {17: shas["HEAD_SHA"]}
    env = {**env, "RUNNER_TEMP": str(runner), "GITHUB_REPOSITORY": REPO,
           "HEAD_SHA": shas["HEAD_SHA"]}
    for _ in range(2):
        done = _run(post, root, env)
        assert done.returncode == 0, done.stdout + done.stderr
    [posted] = github.comments[17]
    assert posted["body"] == comment
    assert [r.method for r in github.writes()] == ["POST", "PATCH"]
    github.pulls = {17: "f" * 40}                        # a newer push: not this report
    assert _run(post, root, env).returncode == 1


def _rev(root: Path, name: str) -> str:
    return subprocess.run(["git", "rev-parse", name], cwd=root, capture_output=True, text=True,
                          check=True).stdout.strip()
