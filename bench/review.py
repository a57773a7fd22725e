"""Benchmark `tthc review` on generated catalogues: what a pull request's report costs as the
catalogue grows and as the change grows.

    .venv/bin/python bench/review.py [--n 1000 10000] [--out bench/out-review] [--reuse]

For each N it writes a content tree of N procedures (`content_tree.py`, as the other
benchmarks do) and commits it on `main`; then, on a branch per change size K, one commit as a pull
request announcing a decision would make: a new decision of one agency that amends K of
its procedures (`sua_doi_bo_sung`), each of those files naming it and with one step
reworded. It measures, as a subprocess (interpreter start included), best of three:

    tthc review --root TREE --base main --head pr-K --limit 0 --out OUT/n<N>-K

wall time, and the size of review.md (full) and comment.md (cut to fit a comment). K runs
over 1, 25 (one decision's usual size) and N/20 (every procedure of one agency). The report
reads what the change touches: one `git ls-tree` of the head's procedures, then only the
files it needs; so its cost should follow K, not N.

Trees stay in OUT/n<N>/ (bench/out-*/ is ignored by git); results as Markdown to stdout,
progress to stderr. Figures: docs/performance.md. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import yaml
from content_tree import build_tree, load_sample, schema_comment, to_yaml

REPO = Path(__file__).resolve().parents[1]
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org",
       "-c", "commit.gpgsign=false"]
AGENCY = "bo-tu-phap"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--out", type=Path, default=REPO / "bench/out-review")
    parser.add_argument("--reuse", action="store_true", help="keep trees already generated")
    args = parser.parse_args()
    rows = []
    for n in args.n:
        root = args.out / f"n{n}"
        prepare(root, n, args.reuse)
        for k in sorted({1, 25, n // 20}):
            branch = propose(root, k)
            rows.append((n, k, *measure(root, branch, args.out / f"n{n}-{k}")))
    print("| procedures | amended | `tthc review` (s, best of 3) | review.md | comment.md |")
    print("|---:|---:|---:|---:|---:|")
    for n, k, seconds, full, comment in rows:
        print(f"| {n:,} | {k:,} | {seconds:.2f} | {full / 1024:,.0f} KiB | "
              f"{comment / 1024:,.0f} KiB |")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare(root: Path, n: int, reuse: bool) -> None:
    if reuse and (root / ".git").is_dir():
        say(f"reusing {root}")
        return
    if root.exists():
        subprocess.run(["rm", "-rf", str(root)], check=True)
    build_tree(root, n, load_sample())
    subprocess.run([*GIT, "-C", str(root), "init", "-q", "-b", "main"], check=True)
    subprocess.run([*GIT, "-C", str(root), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(root), "commit", "-q", "-m", "catalogue"], check=True)
    say(f"generated and committed {n:,} procedures in {root}")


def propose(root: Path, k: int) -> str:
    """A branch pr-K: one new decision amending K procedures of AGENCY."""
    branch = f"pr-{k}"
    git = [*GIT, "-C", str(root)]
    subprocess.run([*git, "checkout", "-q", "-B", branch, "main"], check=True)
    files = sorted((root / "content/procedures" / AGENCY).glob("*.yaml"))[:k]
    number = f"9{k}/QĐ-BTP"
    items = []
    for path in files:
        data = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
        data["quyet_dinh_cong_bo"] = number
        data["trinh_tu_thuc_hien"][0]["buoc"][0] += " (được sửa đổi)"
        path.write_text(schema_comment("procedure", 3) + to_yaml(data), "utf-8")
        items.append({"ma": data["ma"], "ten": data["ten"]})
    decision = {"so_ky_hieu": number, "trich_yeu": "Về việc công bố thủ tục hành chính được "
                "sửa đổi, bổ sung", "co_quan_ban_hanh": AGENCY,
                "nguoi_ky": {"ho_ten": "Nguyễn Văn A", "chuc_vu": "Thứ trưởng"},
                "ngay_ban_hanh": "2026-03-02", "ngay_hieu_luc": "2026-04-15",
                "can_cu": ["Nghị định số 63/2010/NĐ-CP"], "danh_muc": {"sua_doi_bo_sung": items}}
    target = root / f"content/decisions/{AGENCY}/2026/9{k}-qd-btp.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(schema_comment("decision", 4) + to_yaml(decision), "utf-8")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", f"amend {k}"], check=True)
    subprocess.run([*git, "checkout", "-q", "main"], check=True)
    return branch


def measure(root: Path, branch: str, out: Path) -> tuple[float, int, int]:
    command = [sys.executable, "-m", "generator", "review", "--root", str(root), "--base",
               "main", "--head", branch, "--limit", "0", "--out", str(out)]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    say(f"{root.name} {branch}: {best:.2f} s")
    return best, (out / "review.md").stat().st_size, (out / "comment.md").stat().st_size


if __name__ == "__main__":
    main()
