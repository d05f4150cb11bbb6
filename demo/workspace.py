"""What the demo's workspace starts with: its configuration and a sample one-stop export.

``write_config`` points the demo at its embedded mail server, a fax gateway and a scan
folder; ``write_sample_export`` writes about 60 dossiers in 4 units the way one-stop
systems export them (a title row, Vietnamese headers, long names and no code columns,
mixed and missing contacts).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from ..settings import default_rounds
from ..survey.rounds import period_for

# As one-stop systems export them: full names, no unit or procedure codes (khaosat makes
# short codes and says which lines to add to [[units]] to choose them).
UNITS = [
    "Phòng Quản lý chuyên ngành",
    "Phòng Kế hoạch - Tài chính",
    "Chi cục Tiêu chuẩn Đo lường Chất lượng tỉnh Lâm Đồng",
    "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ, Thông tin - Thống kê, Đo lường - Thử nghiệm "
    "và Phát triển công nghệ tỉnh Lâm Đồng",
]
PROCEDURES = [
    "Thủ tục cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ của tổ chức khoa học và công nghệ",
    "Thủ tục đăng ký kiểm tra nhà nước về chất lượng hàng hóa nhập khẩu thuộc trách nhiệm quản lý "
    "của Bộ Khoa học và Công nghệ",
    "Thủ tục cấp giấy phép tiến hành công việc bức xạ - sử dụng thiết bị X-quang chẩn đoán trong y tế",
    "Thủ tục công bố sử dụng dấu định lượng trên nhãn hàng đóng gói sẵn",
]
APPLICANT_NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Lê Hoàng Cường",
    "Phạm Thu Dung",
    "Công ty TNHH Đại Phát",
    "Hợp tác xã Nông nghiệp Xuân Thọ",
    "Công ty CP Cà phê Lâm Viên",
    "Võ Minh Đức",
    "Đặng Thị Hạnh",
]
HEADER = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục",
    "Đơn vị xử lý",
    "Tổ chức, cá nhân",
    "Email",
    "Số fax",
    "Địa chỉ",
    "Ngày tiếp nhận",
]


def write_config(workspace: Path, smtp_port: int) -> Path:
    """The demo's config.toml in ``workspace``; returns its path."""
    config = workspace / "config.toml"
    config.write_text(
        "# Configuration of the khaosat demo (see config.toml in the repository for every key).\n"
        '[organization]\nname = "Sở Khoa học và Công nghệ tỉnh Lâm Đồng"\nparent = "UBND tỉnh Lâm Đồng"\n'
        'address = "35 Trần Hưng Đạo, Phường 10, TP. Đà Lạt"\nfax = "0263 3822 111"\n'
        '[storage]\ndir = "data"\n[dossiers]\ninbox_dir = "inbox"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\n'
        'from_address = "khaosat@skhcn.lamdong.example.gov.vn"\n'
        'reply_to = "phieukhaosat@skhcn.lamdong.example.gov.vn"\n'
        '[fax]\ngateway = "{number}@fax.example.vn"\n'
        '[intake]\nscan_dir = "scans"\n'
        '[report]\nboard_emails = ["bangiso@skhcn.lamdong.example.gov.vn"]\n',
        encoding="utf-8",
    )
    return config


def write_sample_export(path: Path, today: date, count: int = 60, seed: int = 2026) -> None:
    """A one-stop export as they come: a title row, Vietnamese headers, mixed contacts."""
    rng = random.Random(seed)
    rounds = default_rounds()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN"])
    sheet.append([])
    sheet.append(HEADER)
    for number in range(1, count + 1):
        procedure = PROCEDURES[number % len(PROCEDURES)]
        applicant = rng.choice(APPLICANT_NAMES)
        contact = rng.random()
        email = f"nguoinop{number}@example.vn" if contact < 0.7 else ("Không có" if contact < 0.8 else "")
        fax = f"(0263) 38{number:02d} 111" if 0.7 <= contact < 0.85 else ""
        address = f"{number} Trần Phú, Phường {number % 9 + 1}, TP. Đà Lạt" if contact >= 0.85 else ""
        received = today - timedelta(days=rng.randrange(0, 5))
        if period_for(received, rounds) != period_for(today, rounds):  # keep the sample in today's round
            received = today
        sheet.append(
            [
                number,
                f"000.00.24.H{number:05d}",
                procedure,
                UNITS[number % len(UNITS)],
                applicant,
                email,
                fax,
                address,
                received.strftime("%d/%m/%Y"),
            ]
        )
    sheet.append(["Tổng cộng", count])
    book.save(path)
