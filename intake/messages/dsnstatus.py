"""Vietnamese explanations of delivery status codes (RFC 3463), for the people who read them."""

from __future__ import annotations

EXACT = {
    "5.1.0": "địa chỉ người nhận không hợp lệ",
    "5.1.1": "địa chỉ không tồn tại",
    "5.1.2": "tên miền không tồn tại",
    "5.1.3": "địa chỉ sai cú pháp",
    "5.1.6": "hộp thư đã chuyển đi nơi khác",
    "5.1.10": "địa chỉ không tồn tại",
    "5.2.1": "hộp thư bị khóa hoặc ngừng hoạt động",
    "5.2.2": "hộp thư đầy",
    "4.2.2": "hộp thư đầy",
    "5.2.3": "thư quá lớn",
    "5.3.4": "thư quá lớn",
    "5.4.1": "máy chủ nhận từ chối người nhận",
    "5.4.4": "không tìm thấy máy chủ thư của tên miền",
    "4.4.1": "không kết nối được máy chủ nhận",
    "4.4.2": "mất kết nối với máy chủ nhận",
    "4.4.7": "quá thời gian chờ chuyển thư",
    "5.4.7": "quá thời gian chờ chuyển thư",
}
BY_SUBJECT = {
    "1": "địa chỉ người nhận có vấn đề",
    "2": "hộp thư người nhận có vấn đề",
    "3": "lỗi hệ thống thư bên nhận",
    "4": "lỗi mạng hoặc định tuyến thư",
    "5": "lỗi giao thức gửi thư",
    "6": "nội dung thư không được chấp nhận",
    "7": "máy chủ nhận từ chối thư (chính sách an ninh hoặc chống thư rác)",
}


def explain(status: str) -> str:
    """A short Vietnamese phrase for an enhanced status code such as "5.1.1"."""
    if status in EXACT:
        return EXACT[status]
    parts = status.split(".")
    return BY_SUBJECT.get(parts[1], "không chuyển được thư") if len(parts) == 3 else "không chuyển được thư"


def describe(permanent: bool, status: str, *, unknown_recipient: bool = False) -> str:
    """E.g. "Thư trả về: địa chỉ không tồn tại (5.1.1)"."""
    head = "Thư trả về" if permanent else "Thư chậm chuyển, máy chủ sẽ thử lại"
    what = explain(status) if status else ("không chuyển được thư" if permanent else "")
    text = f"{head}: {what}" if what else head
    if status:
        text += f" ({status})"
    if unknown_recipient:
        text += "; không rõ địa chỉ người nhận"
    return text
