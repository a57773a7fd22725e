"""The `tthc` command: a thin layer over the library functions.

Exit codes: 0 success (warnings allowed), 1 invalid content or failed build, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from . import __version__
from .reporting import FORMATS, render, summary
from .validate import find_root, validate

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: lỗi: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tthc", description="Công cụ xuất bản thủ tục hành chính từ git.")
    parser.add_argument("--version", action="version", version=f"tthc {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("validate", help="kiểm tra nội dung (schema + đối chiếu)")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="tệp hoặc thư mục cần báo lỗi (mặc định: toàn bộ content/)")
    check.add_argument("--root", type=Path, help="thư mục dự án chứa content/")
    check.add_argument("--format", choices=FORMATS, default="text", help="định dạng báo cáo")
    check.add_argument("--strict", action="store_true", help="coi cảnh báo là lỗi")
    check.set_defaults(func=_validate)

    fmt = commands.add_parser("fmt", help="định dạng lại tệp YAML theo bố cục chuẩn")
    fmt.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    fmt.add_argument("--root", type=Path, help="thư mục dự án chứa content/")
    fmt.add_argument("--check", action="store_true", help="chỉ kiểm tra, không ghi tệp")
    fmt.set_defaults(func=_fmt)

    new = commands.add_parser("new", help="tạo tệp mẫu có chú thích")
    new.add_argument("kind", choices=("procedure", "decision", "agency"))
    new.add_argument("--agency", required=True, help="mã cơ quan, ví dụ bo-tu-phap")
    new.add_argument("--ma", help="mã thủ tục (procedure), ví dụ 1.001193")
    new.add_argument("--so", help="số ký hiệu quyết định (decision), ví dụ 1766/QĐ-UBND")
    new.add_argument("--year", help="năm ban hành (decision)")
    new.add_argument("--root", type=Path, help="thư mục dự án chứa content/")
    new.set_defaults(func=_new)

    imp = commands.add_parser("import", help="nhập hồ sơ đã công bố thành tệp nội dung")
    imp.add_argument("kind", choices=("portal", "word-export", "decisions", "annex",
                                      "province-site"))
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE",
                     help=".jsonl, .jsonl.gz, .json (portal, word-export, decisions, "
                          "province-site); .docx, .xlsx (annex)")
    imp.add_argument("--into", type=Path, required=True, help="thư mục dự án nhận tệp")
    imp.add_argument("--strict", action="store_true",
                     help="thất bại cả khi có bản ghi không tách được hết")
    imp.add_argument("--so", help="số ký hiệu quyết định của phụ lục (annex)")
    imp.add_argument("--agency", help="mã cơ quan ban hành (annex), mã tỉnh (province-site)")
    imp.set_defaults(func=_import)

    build = commands.add_parser("build", help="dựng trang công khai vào site/")
    build.add_argument("--root", type=Path, help="thư mục dự án chứa content/")
    build.add_argument("--out", type=Path, help="thư mục kết quả (mặc định site/)")
    build.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD",
                       help="dựng theo tình trạng tại ngày này (mặc định: hôm nay, giờ Việt Nam)")
    build.add_argument("--stats", type=Path, metavar="FILE",
                       help="ghi thời gian từng bước và kích thước kết quả (JSON)")
    build.add_argument("--quiet", action="store_true", help="không in tiến độ")
    build.add_argument("--require-keys", action="store_true",
                       help="bắt buộc khóa ký thật (TTHC_KEYS_DIR); không dùng khóa phát triển")
    build.set_defaults(func=_build)

    keys = commands.add_parser("keys", help="tạo khóa ký nguồn cấp dữ liệu (ngoài kho)")
    keys.add_argument("action", choices=("init", "rotate"))
    keys.add_argument("--dir", type=Path, required=True,
                      help="thư mục khóa bí mật mới, bên ngoài kho git")
    keys.add_argument("--old-dir", type=Path,
                      help="rotate: thư mục khóa đang dùng (khóa gốc cũ ký khóa gốc mới)")
    keys.add_argument("--root", type=Path, help="thư mục dự án (nhận trust/1.root.json)")
    keys.set_defaults(func=_keys)

    owners = commands.add_parser("owners", help="tạo .github/CODEOWNERS từ tệp cơ quan")
    owners.add_argument("--check", action="store_true",
                        help="chỉ kiểm tra: thất bại khi tệp đã commit không khớp")
    owners.add_argument("--admin", default=None, metavar="TEAM",
                        help="nhóm quản trị quốc gia (mặc định @tthc/quan-tri-quoc-gia)")
    owners.add_argument("--root", type=Path, help="thư mục dự án chứa content/")
    owners.set_defaults(func=_owners)

    review = commands.add_parser("review", help="báo cáo rà soát một thay đổi (pull request)")
    review.add_argument("--base", required=True, metavar="REV",
                        help="phiên bản gốc, ví dụ origin/main")
    review.add_argument("--head", default="HEAD", metavar="REV",
                        help="phiên bản đề nghị (mặc định HEAD)")
    review.add_argument("--agency", metavar="ID", help="mã cơ quan của người đề nghị "
                        "(mặc định: suy ra từ quyết định trong thay đổi)")
    review.add_argument("--format", choices=("markdown", "json"), default="markdown")
    review.add_argument("--limit", type=int, default=60_000, metavar="BYTES",
                        help="Markdown: cắt cho vừa BYTES (mặc định 60000; 0: đầy đủ)")
    review.add_argument("--out", type=Path, metavar="DIR",
                        help="ghi thêm review.md (đầy đủ), comment.md (rút gọn), review.json")
    review.add_argument("--strict", action="store_true",
                        help="thoát mã 1 khi có điểm cần chú ý")
    review.add_argument("--root", type=Path, help="thư mục dự án chứa content/")
    review.set_defaults(func=_review)

    comment = commands.add_parser("pr-comment",
                                  help="đăng báo cáo rà soát thành một bình luận pull request")
    comment.add_argument("--repo", required=True, help="OWNER/NAME")
    comment.add_argument("--pr", required=True, help="số pull request")
    comment.add_argument("--body", required=True, type=Path, help="tệp Markdown (comment.md)")
    comment.add_argument("--head-sha", help="chỉ đăng khi đầu pull request là commit này")
    comment.set_defaults(func=_pr_comment)

    sign = commands.add_parser("sign", help="ký lại nguồn cấp đã công bố")
    sign.add_argument("--refresh", action="store_true", required=True,
                      help="ký lại timestamp và checkpoint với hạn mới (chạy định kỳ)")
    sign.add_argument("--root", type=Path, help="thư mục dự án chứa content/")
    sign.add_argument("--out", type=Path, help="thư mục trang đã dựng (mặc định site/)")
    sign.set_defaults(func=_sign)

    sync = commands.add_parser("sync", help="sao chép nguồn cấp đã ký vào cơ sở dữ liệu")
    sync.add_argument("action", choices=("init", "run", "status", "verify"))
    sync.add_argument("--dir", type=Path, default=Path("tthc-sync"),
                      help="thư mục trạng thái của bản sao (mặc định tthc-sync/)")
    sync.add_argument("--root", dest="trust_root", type=Path, metavar="ROOT.json",
                      help="init: siêu dữ liệu gốc TUF đã ghim (1.root.json)")
    sync.add_argument("--url", help="init: địa chỉ nguồn cấp, ví dụ https://…/api/v1/")
    sync.add_argument("--scope", default="all",
                      help="init: phạm vi (all, hoặc mã bộ, mã tỉnh); mặc định all")
    sync.add_argument("--db", help="init: sqlite:///tệp hoặc postgresql://… "
                                   "(mặc định SQLite trong --dir)")
    sync.add_argument("--allow-development", action="store_true",
                      help="run: chấp nhận nguồn cấp ký bằng khóa phát triển (chỉ để thử)")
    sync.set_defaults(func=_sync)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


def _root(args: argparse.Namespace, paths: Sequence[Path] = ()) -> Path:
    if args.root is not None:
        if not (args.root / "content").is_dir():
            _usage(f"không thấy thư mục content/ trong {args.root}")
        return Path(args.root)
    start = paths[0] if paths else Path.cwd()
    start = start if start.is_dir() else start.parent
    root = find_root(start)
    if root is None:
        _usage(f"không tìm thấy thư mục dự án (có content/) từ {start}")
    assert root is not None
    return root


def _usage(message: str) -> None:
    print(f"tthc: lỗi: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def _validate(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not path.exists() and not path.is_symlink():
            _usage(f"không có tệp hoặc thư mục {path}")
    root = _root(args, args.paths)
    for path in args.paths:
        if not path.resolve().is_relative_to(root.resolve()):
            _usage(f"{path} nằm ngoài dự án {root}")
    report = validate(root, args.paths, _progress("Đã đọc"))
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr)
    sys.stdout.write(render(report, args.format))
    if args.format != "text":
        print(summary(report), file=sys.stderr)
    failed = not report.ok or (args.strict and bool(report.warnings))
    return EXIT_INVALID if failed else EXIT_OK


def _fmt(args: argparse.Namespace) -> int:
    from .fmt import format_paths

    root = _root(args, args.paths)
    code: int = format_paths(root, args.paths, check=args.check)
    return code


def _new(args: argparse.Namespace) -> int:
    from .scaffold import write_new

    code: int = write_new(_root(args), args.kind, agency=args.agency, ma=args.ma, so=args.so,
                          year=args.year)
    return code


def _import(args: argparse.Namespace) -> int:
    from .importers.run import run_import

    for file in args.files:
        if not file.is_file():
            _usage(f"không có tệp {file}")
    if args.kind == "annex" and not (args.so and args.agency):
        _usage("nhập phụ lục cần --so (số ký hiệu) và --agency (cơ quan ban hành)")
    if args.kind == "province-site" and not args.agency:
        _usage("nhập trang của tỉnh cần --agency (mã tỉnh, ví dụ tinh-phu-tho)")
    code: int = run_import(args.kind, args.files, args.into, strict=args.strict,
                           options={"so": args.so or "", "agency": args.agency or ""})
    return code


def _build(args: argparse.Namespace) -> int:
    from .site import build_site

    root = _root(args)
    code: int = build_site(root, args.out or root / "site", as_of=args.as_of,
                           stats_file=args.stats, quiet=args.quiet,
                           require_keys=args.require_keys)
    return code


def _keys(args: argparse.Namespace) -> int:
    from .feeds.keys import init_keys, rotate_keys
    from .feeds.trust import TrustError

    root = _root(args)
    agencies = sorted(p.stem for p in (root / "content" / "agencies").glob("*.yaml"))
    try:
        if args.action == "rotate":
            if args.old_dir is None:
                _usage("tthc keys rotate cần --old-dir (thư mục khóa đang dùng)")
            written = rotate_keys(args.old_dir, args.dir, root, agencies)
        else:
            written = init_keys(args.dir, root, agencies)
    except TrustError as exc:
        print(f"tthc keys: {exc}", file=sys.stderr)
        return 1
    print(f"tthc keys: {len(written) - 1} khóa trong {args.dir.resolve()} (giữ bí mật); "
          f"khóa gốc công khai: {written[-1]} (hãy commit). Dựng với TTHC_KEYS_DIR="
          f"{args.dir.resolve()}")
    return 0


def _owners(args: argparse.Namespace) -> int:
    from . import owners

    root = _root(args)
    admin = args.admin or owners.ADMIN_TEAM
    try:
        if args.check:
            why = owners.stale(root, admin)
            if why:
                print(f"tthc owners: {why}", file=sys.stderr)
                return 1
            print(f"tthc owners: {owners.CODEOWNERS} khớp tệp cơ quan")
            return 0
        path = owners.write(root, admin)
    except owners.OwnersError as exc:
        print(f"tthc owners: {exc}", file=sys.stderr)
        return 1
    print(f"tthc owners: đã ghi {path}")
    return 0


def _review(args: argparse.Namespace) -> int:
    from .review import ReviewError, review_change
    from .review.output import print_review

    root = _root(args)
    try:
        review = review_change(root, args.base, args.head, args.agency)
    except ReviewError as exc:
        _usage(str(exc))
        raise
    print_review(review, root, args.format, args.limit or None, args.out)
    return EXIT_INVALID if args.strict and review.flags else EXIT_OK


def _pr_comment(args: argparse.Namespace) -> int:
    from .review.comment import CommentError, post_comment

    try:
        done, ident = post_comment(args.repo, args.pr, args.body.read_text("utf-8"),
                                   head_sha=args.head_sha)
    except (CommentError, OSError) as exc:
        print(f"tthc pr-comment: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"tthc pr-comment: {'đã tạo' if done == 'created' else 'đã cập nhật'} "
          f"bình luận {ident}")
    return EXIT_OK


def _sign(args: argparse.Namespace) -> int:
    from .feeds.signing import refresh
    from .feeds.trust import TrustError

    site = args.out or _root(args) / "site"
    try:
        version, expires = refresh(site)
    except TrustError as exc:
        print(f"tthc sign: {exc}", file=sys.stderr)
        return 1
    print(f"tthc sign: timestamp phiên bản {version}, checkpoint hết hạn {expires}")
    return 0


def _sync(args: argparse.Namespace) -> int:
    from .sync import client
    from .sync.store import StoreError

    try:
        if args.action == "init":
            if args.trust_root is None or not args.url:
                _usage("tthc sync init cần --root ROOT.json và --url URL")
            config = client.init(args.dir, args.trust_root, args.url, args.scope, args.db)
            print(f"tthc sync: đã khởi tạo {args.dir} (phạm vi {config.scope}); chạy "
                  f"`tthc sync run --dir {args.dir}`")
        elif args.action == "run":
            outcome = client.run(args.dir, args.allow_development)
            kind = "lần đầu" if outcome.first else "gia tăng"
            print(f"tthc sync: đồng bộ {kind}: {outcome.applied} tài liệu; thứ tự "
                  f"{outcome.sequence}, phiên bản {outcome.version}")
        elif args.action == "status":
            print(json.dumps(client.status(args.dir), ensure_ascii=False, indent=2))
        else:
            problems = client.verify(args.dir)
            for problem in problems:
                print(f"tthc sync verify: {problem}")
            if problems:
                return 1
            print("tthc sync verify: bản sao khớp nguồn cấp đã ký")
    except (client.SyncError, StoreError) as exc:
        print(f"tthc sync: {exc}", file=sys.stderr)
        return 1
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ: {text!r} (ghi YYYY-MM-DD)") from None


def _progress(label: str):  # type: ignore[no-untyped-def]
    if not sys.stderr.isatty():
        return None

    def show(count: int) -> None:
        print(f"\r{label} {count} tệp…", end="", file=sys.stderr, flush=True)

    return show
