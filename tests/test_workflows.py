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
from site_project import keys_secret, make_signed_project

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
