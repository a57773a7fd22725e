"""Every problem code the validator can report, with a one-line Vietnamese meaning.

Codes are stable: scripts, editors and reviewers rely on them. `docs/validation.md`
documents each one, and the test suite checks that every code here has an example.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    # reading the file
    "file-too-large": "Tệp vượt giới hạn kích thước.",
    "binary-file": "Tệp nhị phân, không phải văn bản YAML.",
    "not-utf8": "Tệp không mã hóa UTF-8.",
    "control-character": "Ký tự ẩn (ngắt trang, ngắt dòng Unicode…) trong văn bản.",
    "yaml-syntax": "Lỗi cú pháp YAML (thụt lề, dấu hai chấm, dấu nháy, Tab, nhiều tài liệu).",
    "duplicate-key": "Một khóa xuất hiện hai lần trong cùng nhóm.",
    "yaml-tag": "Thẻ YAML đặc biệt (`!!python/…`, `!tag`, `<<`) không được phép.",
    "yaml-alias-limit": "Anchor/alias mở rộng quá giới hạn (\"billion laughs\").",
    "yaml-too-deep": "Lồng nhau quá sâu.",
    "yaml-key-type": "Khóa không phải chữ.",
    "not-nfc": "Văn bản không ở dạng Unicode NFC.",
    "not-a-mapping": "Tệp không phải một nhóm `khóa: giá trị`.",
    "unexpected-file": "Tệp nằm ngoài cấu trúc thư mục nội dung.",
    "symlink-outside": "Liên kết tượng trưng trỏ ra ngoài kho, hỏng hoặc vòng lặp.",
    "fmt-roundtrip": "`tthc fmt` từ chối ghi vì bản định dạng lại không đọc ra đúng dữ liệu cũ.",
    # shape (the JSON Schemas)
    "missing-key": "Thiếu trường bắt buộc.",
    "unknown-key": "Trường không có trong mẫu dữ liệu (gõ sai tên?).",
    "wrong-type": "Giá trị sai kiểu (văn bản, số, danh sách…).",
    "quote-code": "Mã viết không có dấu nháy nên bị đọc thành số.",
    "invalid-value": "Giá trị ngoài danh sách cho phép.",
    "invalid-format": "Giá trị sai định dạng (mã, số ký hiệu, đường dẫn…).",
    "invalid-date": "Ngày không hợp lệ.",
    "empty-list": "Danh sách hoặc nhóm trống.",
    "empty-value": "Giá trị để trống.",
    "out-of-range": "Số nằm ngoài giới hạn.",
    "online-without-channel": "Có dịch vụ công trực tuyến nhưng không có kênh nộp trực tuyến.",
    "duplicate-item": "Mục lặp lại trong danh sách không cho phép trùng.",
    "listed-but-present": "Trường đã có nội dung nhưng vẫn ghi trong thieu_thong_tin.",
    "schema": "Không thỏa một quy tắc khác của mẫu dữ liệu.",
    # repository files derived from the content
    "codeowners-stale": ".github/CODEOWNERS không khớp nhóm biên tập của các cơ quan.",
    # cross-checks between files
    "duplicate-code": "Hai tệp thủ tục cùng mã.",
    "duplicate-decision": "Hai tệp cùng một quyết định.",
    "duplicate-id": "Mã mục danh mục trùng.",
    "wrong-folder": "Tệp nằm sai thư mục cơ quan hoặc năm.",
    "wrong-filename": "Tên tệp không khớp mã / số ký hiệu.",
    "unknown-agency": "Cơ quan chưa có tệp trong content/agencies/.",
    "unknown-vocab": "Mã không có trong danh mục dùng chung.",
    "unknown-related": "Thủ tục liên quan không có trong danh mục.",
    "unknown-decision": "Quyết định được nhắc tới không có trong kho.",
    "foreign-decision": "Thủ tục ghi quyết định của cơ quan khác.",
    "not-in-annex": "Quyết định công bố không liệt kê thủ tục này.",
    "ambiguous-decision": "Nhiều quyết định cùng số cùng công bố thủ tục.",
    "missing-procedure": "Phụ lục công bố thủ tục chưa có tệp.",
    "unknown-procedure": "Phụ lục nhắc tới mã thủ tục không tồn tại.",
    "name-mismatch": "Tên trong phụ lục khác tên trong tệp thủ tục.",
    "stale-procedure": "Tệp thủ tục chưa cập nhật theo quyết định sửa đổi.",
    "outside-scope": "Quyết định công bố thủ tục của cơ quan khác.",
    "replace-self": "Thay thế một thủ tục bằng chính nó.",
    "duplicate-annex-item": "Một mã có hai lần trong phụ lục.",
    "no-code": "Mục phụ lục chưa có mã thủ tục.",
    "abolished-and-in-force": "Thủ tục vừa bị bãi bỏ vừa có hiệu lực.",
    "huyen-after-reform": "Cấp huyện trong bản có hiệu lực từ 01/7/2025.",
    "incomplete-record": "Hồ sơ công bố để trống một số trường bắt buộc (thieu_thong_tin).",
    "incomplete-decision": "Quyết định mới biết một phần (chua_day_du).",
    "date-order": "Ngày sau sớm hơn ngày trước.",
    "short-notice": "Công bố chưa đủ 20 (bộ) / 5 (tỉnh) ngày làm việc trước hiệu lực.",
    "amount-separator": "Số tiền viết dấu chấm ngăn cách hàng nghìn (50.000 thành 50).",
    "raw-html": "Văn bản chứa thẻ HTML.",
    "original-missing": "Không tìm thấy văn bản gốc đã khai báo.",
    "original-hash": "Mã băm văn bản gốc không khớp.",
}
