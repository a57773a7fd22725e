"""The small text helpers of the site and the shell's compaction: what a page shows must not
change when they take a faster path."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.site.shell import Shell
from generator.site.text import date_vi, squeeze, text_html

# every kind of character squeeze() treats differently: spaces, other whitespace (tabs, line
# breaks, no-break and em spaces, separators), invisible format characters, Vietnamese
PIECES = st.sampled_from([" ", "  ", "\t", "\n", "\r", "\xa0", "\u2003", "\u2028", "\x1c",
                          "\u200b", "đăng", "ký", "a", "Đ", "-", "•"])


@given(st.lists(PIECES, max_size=12).map("".join))
def test_squeeze_is_split_and_join(text: str) -> None:
    assert squeeze(text) == " ".join(text.split())


def test_text_becomes_paragraphs_and_lists_with_everything_escaped() -> None:
    text = "Nộp  hồ sơ tại <b>UBND</b>\n- Bản sao\tgiấy khai sinh\n+ Ảnh 4x6\n\nNhận kết quả"
    assert str(text_html(text)) == (
        "<p>Nộp hồ sơ tại &lt;b&gt;UBND&lt;/b&gt;</p>"
        "<ul><li>Bản sao\tgiấy khai sinh</li><li>Ảnh 4x6</li></ul>"
        "<p>Nhận kết quả</p>")
    assert str(text_html("  Một   dòng & hết ")) == "<p>Một dòng &amp; hết</p>"
    assert str(text_html("")) == "" and str(text_html(None)) == ""


def test_dates_are_written_day_first() -> None:
    assert date_vi("2025-07-01") == "01/07/2025"
    assert date_vi("2025-7-1") == "2025-7-1"          # not an ISO date: as written
    assert date_vi(None) == ""


def test_the_shell_loses_its_indentation_but_nothing_a_browser_shows() -> None:
    html = ("<html>\n  <head>\n    <title>@@TTHC:TITLE@@</title>\n  </head>\n\n  <body>\n"
            "    <span>\n      Thủ tục\n    </span>@@TTHC:ARTICLE@@\n  </body>\n</html>\n")
    shell = Shell.parse(html)
    assert "".join(shell.pieces) == ("<html>\n<head>\n<title></title>\n</head>\n<body>\n"
                                     "<span>\nThủ tục\n</span>\n</body>\n</html>\n")
    page = shell.fill({"TITLE": "Cấp hộ chiếu", "ARTICLE": "<pre>\n  giữ nguyên\n</pre>"})
    assert page.decode("utf-8") == (
        "<html>\n<head>\n<title>Cấp hộ chiếu</title>\n</head>\n<body>\n<span>\nThủ tục\n"
        "</span><pre>\n  giữ nguyên\n</pre>\n</body>\n</html>\n")


def test_a_shell_with_preformatted_text_is_kept_as_it_is() -> None:
    html = "<body>\n  <pre>\n  a\n    b\n  </pre>\n  @@TTHC:ARTICLE@@\n</body>\n"
    assert "".join(Shell.parse(html).pieces) == html.replace("@@TTHC:ARTICLE@@", "")
