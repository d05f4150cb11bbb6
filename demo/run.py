"""``khaosat demo``: the whole loop on this machine, with an embedded mail server and no setup.

A workspace folder gets a configuration, an SQLite database and a sample export of about
60 dossiers in 4 units written the way one-stop systems write them. The dossiers are
imported; every form is dispatched to an embedded SMTP server that files each message as
an .eml in the workspace (the applicants' mailboxes); the paper forms go in a print batch.
Simulated applicants then answer about 85% of the forms (filled PDFs by email, paper
scans, one bounce, one auto-reply) into the scan folder; the intake reads them; the rates
are counted and the ISO board's status email, with its PDF, is sent and kept.
"""

from __future__ import annotations

import random
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from openpyxl import Workbook
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from ..dossiers import import_files
from ..intake.pipeline import IntakeReport
from ..intake.run import intake_once
from ..intake.scanfolder import ScanFolderSource
from ..mailer.dispatch import DispatchReport, dispatch_once
from ..mailer.printing import build_print_batch, confirm_print_batch
from ..mailer.status import send_status
from ..models import Channel, Dossier, Survey, Unit, init_schema, make_engine
from ..reports.rates import RatesReport, unit_rates
from ..settings import Settings, default_rounds, load_settings
from ..survey.personal import dossier_form
from ..survey.render import renderer_for
from ..survey.rounds import period_for
from .replies import write_replies

UNITS = [
    "Phòng Quản lý chuyên ngành",
    "Phòng Kế hoạch - Tài chính",
    "Chi cục Tiêu chuẩn Đo lường Chất lượng",
    "Văn phòng Sở",
]
PROCEDURES = [
    ("1.004525", "Cấp giấy chứng nhận đăng ký hoạt động khoa học và công nghệ"),
    ("1.003717", "Đăng ký kiểm tra nhà nước về chất lượng hàng hóa nhập khẩu"),
    ("2.001269", "Cấp giấy phép tiến hành công việc bức xạ"),
    ("1.008373", "Công bố sử dụng dấu định lượng trên nhãn hàng đóng gói sẵn"),
]
APPLICANTS = [
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
UNIT_CODES = ["QLCN", "KHTC", "TDC", "VP"]
ROUNDS = default_rounds()
HEADER = [
    "STT",
    "Mã hồ sơ",
    "Mã thủ tục",
    "Tên thủ tục",
    "Mã đơn vị",
    "Đơn vị xử lý",
    "Tổ chức, cá nhân",
    "Email",
    "Số fax",
    "Địa chỉ",
    "Ngày tiếp nhận",
]


@dataclass
class Mailbox:
    """The embedded mail server's handler: every message becomes an .eml file."""

    folder: Path
    received: Counter[str] = field(default_factory=Counter)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        for recipient in envelope.rcpt_tos:
            kind = "fax" if "@fax." in recipient else "email"
            self.received[kind] += 1
            (self.folder / f"{kind}-{sum(self.received.values()):03d}-{recipient}.eml").write_bytes(envelope.content)
        return "250 OK"


@dataclass
class DemoResult:
    workspace: Path
    dispatch: DispatchReport
    mail: Counter[str]
    print_file: Path | None
    per_unit: list[tuple[str, int, Counter[str]]]
    replies: dict[str, int]
    intake: IntakeReport
    rates: RatesReport
    status_pdf: Path


def write_sample_export(path: Path, today: date, count: int = 60, seed: int = 2026) -> None:
    """A one-stop export as they come: a title row, Vietnamese headers, mixed contacts."""
    rng = random.Random(seed)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN"])
    sheet.append([])
    sheet.append(HEADER)
    for number in range(1, count + 1):
        procedure = PROCEDURES[number % len(PROCEDURES)]
        applicant = rng.choice(APPLICANTS)
        contact = rng.random()
        email = f"nguoinop{number}@example.vn" if contact < 0.7 else ("Không có" if contact < 0.8 else "")
        fax = f"(0263) 38{number:02d} 111" if 0.7 <= contact < 0.85 else ""
        address = f"{number} Trần Phú, Phường {number % 9 + 1}, TP. Đà Lạt" if contact >= 0.85 else ""
        received = today - timedelta(days=rng.randrange(0, 5))
        if period_for(received, ROUNDS) != period_for(today, ROUNDS):  # keep the sample in today's round
            received = today
        sheet.append(
            [
                number,
                f"000.00.24.H{number:05d}",
                procedure[0],
                procedure[1],
                UNIT_CODES[number % len(UNITS)],
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


def write_config(workspace: Path, smtp_port: int) -> Path:
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


def run_demo(workspace: Path, smtp_port: int) -> DemoResult:
    workspace.mkdir(parents=True, exist_ok=True)
    mail_folder = workspace / "mailboxes"
    mail_folder.mkdir(exist_ok=True)
    mailbox = Mailbox(mail_folder)
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        settings = load_settings(write_config(workspace, smtp_port), environ={})
        export = workspace / "ho-so-mau.xlsx"
        write_sample_export(export, datetime.now(settings.organization.zone).date())
        return _loop(workspace, settings, export, mailbox)
    finally:
        controller.stop()


def _loop(workspace: Path, settings: Settings, export: Path, mailbox: Mailbox) -> DemoResult:
    settings.storage.dir.mkdir(parents=True, exist_ok=True)
    settings.intake.scan_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        init_schema(engine)
        with DbSession(engine) as session:
            import_files([export], session=session, settings=settings)
        report = dispatch_once(engine, settings)
        renderer = renderer_for(settings.survey.questionnaire)
        with DbSession(engine, expire_on_commit=False) as session:
            batch = build_print_batch(
                session, settings, renderer, channel=Channel.post, output=workspace / "in-buu-dien.pdf"
            )
            if batch:
                confirm_print_batch(session, batch.batch_id)
        sent_mail = Counter(mailbox.received)
        with DbSession(engine) as session:
            paper_forms = [
                dossier_form(session, code, settings=settings, renderer=renderer)[1]
                for code in session.exec(
                    select(Dossier.code).join(Survey).where(col(Survey.channel) == Channel.post)
                ).all()
            ]
        replies = write_replies(mailbox.folder, settings.intake.scan_dir, renderer.layout, paper_forms=paper_forms)
        sources = [ScanFolderSource(settings.intake.scan_dir, min_age=0)]
        intake = intake_once(engine, settings, sources=sources)
        with DbSession(engine) as session:
            per_unit, rates = _per_unit(session), unit_rates(session, settings)
        status = send_status(engine, settings)
        status_pdf = workspace / "bao-cao-tien-do.pdf"
        shutil.copyfile(status.pdf_path, status_pdf)
    finally:
        engine.dispose()
    return DemoResult(
        workspace, report, sent_mail, batch.file if batch else None, per_unit, replies, intake, rates, status_pdf
    )


def _per_unit(session: DbSession) -> list[tuple[str, int, Counter[str]]]:
    rows = session.exec(select(Unit.name, Survey.channel).join(Survey, col(Survey.unit_id) == col(Unit.id))).all()
    counts: dict[str, Counter[str]] = {}
    for unit_name, channel in rows:
        counts.setdefault(unit_name, Counter())[str(channel)] += 1
    return [(name, sum(counter.values()), counter) for name, counter in sorted(counts.items())]
