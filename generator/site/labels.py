"""Vietnamese words for the model's enum values, as citizens read them."""

from __future__ import annotations

CHANNELS = {"truc_tiep": "Nộp trực tiếp", "truc_tuyen": "Nộp trực tuyến",
            "buu_chinh": "Nộp qua dịch vụ bưu chính"}
TIME_UNITS = {"ngay_lam_viec": "ngày làm việc", "ngay": "ngày", "gio": "giờ", "thang": "tháng"}
FEE_KINDS = {"phi": "Phí", "le_phi": "Lệ phí"}
CURRENCIES = {"VND": "đồng", "USD": "USD"}
LEVELS = {"bo": "Cấp bộ", "tinh": "Cấp tỉnh", "huyen": "Cấp huyện", "xa": "Cấp xã",
          "khac": "Cấp khác"}
ONLINE_LEVELS = {"toan_trinh": "Dịch vụ công trực tuyến toàn trình",
                 "mot_phan": "Dịch vụ công trực tuyến một phần"}
ONLINE_SHORT = {"toan_trinh": "Toàn trình", "mot_phan": "Một phần",
                "chua_ro": "Có (chưa công bố mức độ)", "": "Không trực tuyến"}
PROCEDURE_KINDS = {"duoc_luat_giao": "Được luật giao quy định chi tiết",
                   "khong_duoc_luat_giao": "Không được luật giao quy định chi tiết",
                   "khac": "Loại khác", "noi_bo": "Thủ tục nội bộ"}
AGENCY_KINDS = {"bo": "Bộ", "co_quan_ngang_bo": "Cơ quan ngang bộ",
                "co_quan_thuoc_chinh_phu": "Cơ quan thuộc Chính phủ", "tinh": "Tỉnh, thành phố",
                "khac": "Cơ quan khác"}
ANNEX_LISTS = {"moi_ban_hanh": "Thủ tục mới ban hành",
               "sua_doi_bo_sung": "Thủ tục được sửa đổi, bổ sung",
               "thay_the": "Thủ tục được thay thế",
               "bai_bo": "Thủ tục bị bãi bỏ",
               "chua_phan_loai": "Thủ tục chưa phân loại (quyết định chưa đầy đủ)"}
STATUS = {"in_force": "Đang có hiệu lực", "upcoming": "Sắp có hiệu lực",
          "abolished": "Đã bãi bỏ", "replaced": "Đã được thay thế"}
LOCAL_FIELDS = {"thoi_han": "Thời hạn giải quyết", "dia_diem": "Địa điểm thực hiện",
                "phi_le_phi": "Phí, lệ phí", "muc_do_dich_vu_cong": "Mức độ dịch vụ công",
                "buu_chinh_cong_ich": "Qua bưu chính công ích",
                "can_cu_phap_ly": "Căn cứ pháp lý tại địa phương"}
