"""The whole loop: import → dispatch → replies written as real clients write them → intake → rates.

Real aiosmtpd for sending, real Dovecot for the intake mailbox, SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader, PdfWriter
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.demo import replies
from khaosat.demo.hand import fill_page, render_pages
from khaosat.demo.scanners import fax_fine, scan_grey_300
from khaosat.intake.archive import archive_path
from khaosat.intake.pipeline import Intake
from khaosat.intake.run import intake_once, known_layouts
from khaosat.intake.sources import Incoming
from khaosat.mailer.dispatch import dispatch_once
from khaosat.models import (
    Answer,
    Channel,
    InboundMessage,
    InboundState,
    OutboxMessage,
    Response,
    ReviewItem,
    Survey,
    SurveyStatus,
)
from khaosat.reports.audit import audit
from khaosat.reports.rates import unit_rates

from ..support.dovecot import Dovecot, User, dovecot, imap_user  # noqa: F401
from ..support.factories import add_dossier, local_today
from ..support.settings import make_settings

INTAKE = "phieu@skhcn.example.gov.vn"
STAFF = "vanthu@skhcn.example.gov.vn"
ANSWERS = {"B1_1": "5", "B1_2": "4", "B2_1": "na", "D1": "4", "C1": "1"}


@pytest.fixture
def world(engine, tmp_path, smtp, dovecot: Dovecot, imap_user: User, monkeypatch):  # noqa: F811
    monkeypatch.setenv("KHAOSAT_IMAP_PASSWORD", imap_user.password)
    settings = make_settings(
        tmp_path,
        smtp={"port": smtp.port, "reply_to": INTAKE},
        fax={"gateway": "{number}@fax.example.vn"},
        imap=dovecot.settings(imap_user).model_dump(),
        intake={"max_attachment_mb": 5},
    )
    today = local_today(settings)
    with Session(engine) as session:
        for name in "ABCDEF":
            add_dossier(session, f"HS-{name}", received_on=today, email=f"{name.lower()}@example.vn")
        add_dossier(session, "HS-G", received_on=today, fax="0263 3822 111")
        add_dossier(session, "HS-H", received_on=today, email="khongton@example.vn", address="1 Lê Lợi, Đà Lạt")
    assert dispatch_once(engine, settings).sent == 8
    sent = {r.rcpt_tos[0]: r.message for r in smtp.received}
    return settings, sent


def pdf_of(message) -> bytes:
    [attachment] = list(message.iter_attachments())
    return attachment.get_content()


def paper(pdf: bytes, settings, seed: int) -> tuple[list[np.ndarray], list[dict[str, str | None]]]:
    """The form printed and filled by hand: its pages at 300 dpi, and what was ticked on each."""
    from khaosat.survey.render import renderer_for

    layout = renderer_for("").layout
    pages = render_pages(pdf)
    rng = np.random.default_rng(seed)
    truths = [
        fill_page(image, layout, page, rng, doubt=0.0).answers for image, page in zip(pages, layout.pages, strict=True)
    ]
    return pages, truths


def encrypted(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def dsn_for(original) -> bytes:
    """A Postfix-style RFC 3464 bounce for a message we sent."""
    return (
        "From: MAILER-DAEMON@mx.example.vn (Mail Delivery System)\r\n"
        f"To: {original['From'].addresses[0].addr_spec}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be"
        " delivered.\r\n\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.vn\r\n\r\n"
        "Final-Recipient: rfc822; khongton@example.vn\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <khongton@example.vn>: Recipient address rejected: User unknown\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {original['Message-ID']}\r\nSubject: x\r\n\r\n--B--\r\n"
    ).encode()


def build_replies(settings, sent) -> tuple[list[bytes], dict[str, dict[str, str | None]]]:
    """Every kind of reply; and what each answered form says, by dossier."""
    truths: dict[str, dict[str, str | None]] = {}
    filled = replies.fill_on_screen(pdf_of(sent["a@example.vn"]), ANSWERS, comment="Cán bộ nhiệt tình.")
    filled_b = replies.fill_on_screen(pdf_of(sent["b@example.vn"]), {"D1": "5"})
    filled_c = replies.fill_on_screen(pdf_of(sent["c@example.vn"]), {"D1": "3", "B3_1": "2"})
    gmail_c = replies.gmail_reply(sent["c@example.vn"], filled_c, "c@example.vn")
    pages_d, truths_d = paper(pdf_of(sent["d@example.vn"]), settings, seed=4)
    truths["HS-D"] = truths_d[0]  # staff scanned the first page only
    pages_g, truths_g = paper(pdf_of(sent["02633822111@fax.example.vn"]), settings, seed=7)
    truths["HS-G"] = {q: v for page in truths_g for q, v in page.items()}
    rng = np.random.default_rng(1)
    scan_d = scan_grey_300(pages_d[0], rng)
    tiff = replies.multipage_g4_tiff([_fax_page(page, rng) for page in pages_g])
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\nthis is not a PDF any more"
    messages = [
        replies.gmail_reply(sent["a@example.vn"], filled, "a@example.vn"),
        replies.apple_mail_reply(sent["b@example.vn"], filled_b, "b@example.vn"),
        replies.outlook_forward_as_attachment(gmail_c, STAFF, INTAKE),
        replies.staff_forwarding_scan(scan_d, "jpeg", STAFF, INTAKE, "scan0001.jpg"),
        replies.fax_gateway_mail(tiff, "02633822111", "fax.example.vn", INTAKE),
        replies.gmail_reply(sent["a@example.vn"], filled, "a@example.vn"),  # the same form again
        replies.plain_message("e@example.vn", INTAKE, "Re: phiếu", html="<p>Tôi rất hài lòng!</p>"),
        replies.plain_message(
            "f@example.vn",
            INTAKE,
            "Re: phiếu",
            text="Phiếu đây ạ.",
            attachments=[("phieu.pdf", "application/pdf", broken)],
        ),
        replies.plain_message(
            "f@example.vn",
            INTAKE,
            "Re: phiếu",
            text="Bản quét",
            attachments=[("quet.pdf", "application/pdf", b"%PDF-1.4\n" + b"0" * 6 * 1024 * 1024)],
        ),
        replies.plain_message(
            "f@example.vn",
            INTAKE,
            "Re: phiếu",
            text="Có mật khẩu",
            attachments=[("mat-khau.pdf", "application/pdf", encrypted(filled_b))],
        ),
        replies.plain_message(
            "e@example.vn",
            INTAKE,
            "Trả lời tự động: Phiếu khảo sát",
            text="Tôi đang nghỉ phép đến thứ Hai.",
            headers={"Auto-Submitted": "auto-replied"},
        ),
        dsn_for(sent["khongton@example.vn"]),
    ]
    truths["HS-A"] = ANSWERS
    return messages, truths


def _fax_page(page: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    from PIL import Image

    return np.array(Image.open(io.BytesIO(fax_fine(page, rng))).convert("L"))


def test_every_kind_of_reply_is_kept_read_matched_and_counted_once(engine, world, dovecot, imap_user):  # noqa: F811
    settings, sent = world
    messages, truths = build_replies(settings, sent)
    dovecot.append_many(imap_user, "INBOX", messages)

    report = intake_once(engine, settings)
    assert not report.errors
    assert dovecot.messages(imap_user, "INBOX") == {}
    folders = {
        folder: len(dovecot.messages(imap_user, folder)) for folder in ("INBOX", "khaosat.processed", "khaosat.review")
    }
    assert folders["INBOX"] == 0
    assert folders["khaosat.processed"] + folders["khaosat.review"] == len(messages)
    assert (report.responses, report.duplicates, report.bounces, report.autoreplies) == (5, 1, 1, 1)

    with Session(engine) as session:
        returned = {s.code for s in session.exec(select(Survey).where(col(Survey.responded))).all()}
        responses = session.exec(select(Response).where(col(Response.counted))).all()
        answers = {
            (response.survey_id, answer.question): answer.value
            for response in responses
            for answer in session.exec(select(Answer).where(Answer.response_id == response.id)).all()
        }
        surveys = {s.id: s for s in session.exec(select(Survey)).all()}
        review_items = session.exec(select(ReviewItem).order_by(col(ReviewItem.id))).all()
        bounced = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == "khongton@example.vn")).one()
        rates = unit_rates(session, settings)
    assert len(returned) == 5 and len(responses) == 5
    by_dossier = {_dossier_code(engine, survey_id): survey_id for survey_id in surveys}
    a = by_dossier["HS-A"]
    assert answers[(a, "B1_1")] == "5" and answers[(a, "B2_1")] == "na" and answers[(a, "B4_1")] is None
    assert next(r for r in responses if r.survey_id == a).comment == "Cán bộ nhiệt tình."
    for dossier in ("HS-D", "HS-G"):
        got = {q: v for (s, q), v in answers.items() if s == by_dossier[dossier]}
        assert got == {q: v for q, v in truths[dossier].items()}, dossier
    methods = Counter(r.method.value for r in responses)
    assert methods == {"acroform": 3, "omr": 2}

    reasons = " | ".join(item.reason for item in review_items)
    assert "không có tệp đính kèm" in reasons  # HTML only
    assert "quá lớn" in reasons and "mật khẩu" in reasons and "tệp PDF bị hỏng" in reasons
    assert all(json.loads(item.evidence)["raw"] for item in review_items)

    assert bounced.state.value == "failed"
    h = surveys[by_dossier["HS-H"]]
    assert h.channel is Channel.post and h.status is SurveyStatus.pending

    [unit] = rates.units
    assert (unit.dossiers, unit.sent, unit.returned) == (8, 7, 5)

    # A second run changes nothing.
    again = intake_once(engine, settings)
    assert (again.received, again.responses) == (0, 0)
    with Session(engine) as session:
        assert len(session.exec(select(InboundMessage)).all()) == len(messages)
        assert unit_rates(session, settings).units[0].returned == 5
    with Session(engine) as session:  # and every figure is proved, down to the archived raw messages
        audited = audit(session, settings, raw_path=partial(archive_path, storage_dir=settings.storage.dir))
    assert audited.ok and audited.rounds[0].replies_checked == 5, audited


def _dossier_code(engine, survey_id: int) -> str:
    from khaosat.models import Dossier

    with Session(engine) as session:
        survey = session.get(Survey, survey_id)
        return session.get(Dossier, survey.dossier_id).code


def test_rates_json_after_intake_equals_what_came_back(engine, world, dovecot, imap_user, tmp_path):  # noqa: F811
    settings, sent = world
    filled = replies.fill_on_screen(pdf_of(sent["a@example.vn"]), {"D1": "5"})
    dovecot.append(imap_user, "INBOX", replies.gmail_reply(sent["a@example.vn"], filled, "a@example.vn"))
    intake_once(engine, settings)
    with Session(engine) as session:
        expected = unit_rates(session, settings).units[0]
    config = tmp_path / "k.toml"
    database_url = engine.url.render_as_string(hide_password=False)
    config.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["report", "rates", "--format", "json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert (row["sent"], row["returned"], row["dossiers"]) == (expected.sent, 1, 8)


def test_killed_between_steps_then_run_again(engine, world, dovecot, imap_user):  # noqa: F811
    """Record without process, process without move: a new run finishes each exactly once."""
    settings, sent = world
    layouts = known_layouts(engine, settings)
    filled = [replies.fill_on_screen(pdf_of(sent[f"{n}@example.vn"]), {"D1": "4"}) for n in "ab"]
    dovecot.append_many(
        imap_user,
        "INBOX",
        [
            replies.gmail_reply(sent["a@example.vn"], filled[0], "a@example.vn"),
            replies.gmail_reply(sent["b@example.vn"], filled[1], "b@example.vn"),
        ],
    )
    from khaosat.intake.imap import ImapSource

    source = ImapSource(settings.imap)
    items = list(source.fetch())
    source.close()
    intake = Intake(engine, settings, layouts)
    # Crash 1: the first item was archived and recorded, then the process died.
    with Session(engine) as session:
        intake.record(session, items[0])
    # Crash 2: the second item was processed, then the process died before moving it.
    intake.take(items[1])
    report = intake_once(engine, settings)
    assert (report.responses, report.repeated) == (1, 1)
    assert dovecot.messages(imap_user, "INBOX") == {}
    with Session(engine) as session:
        assert len(session.exec(select(Response)).all()) == 2
        states = {m.state for m in session.exec(select(InboundMessage)).all()}
    assert states == {InboundState.processed}


def test_a_doubtful_mark_on_a_scan_goes_to_review_with_its_crop_and_a_person_settles_it(engine, world, tmp_path):
    """Scan folder → OMR → uncertain answer in `review list` with its crop → resolved, logged."""
    from khaosat.demo.hand import DOUBTFUL
    from khaosat.models import AuditEntry
    from khaosat.survey.render import renderer_for

    settings, sent = world
    layout = renderer_for("").layout
    pdf = pdf_of(sent["e@example.vn"])
    for seed in range(50):
        page = render_pages(pdf)[0]
        truth = fill_page(page, layout, layout.pages[0], np.random.default_rng(seed), doubt=0.2).answers
        if DOUBTFUL in truth.values():
            break
    doubtful = sorted(q for q, v in truth.items() if v == DOUBTFUL)
    settings.intake.scan_dir.mkdir(parents=True, exist_ok=True)
    (settings.intake.scan_dir / "quet-001.jpg").write_bytes(scan_grey_300(page, np.random.default_rng(3)))
    from khaosat.intake.scanfolder import ScanFolderSource

    report = intake_once(engine, settings, sources=[ScanFolderSource(settings.intake.scan_dir, min_age=0)])
    assert (report.responses, report.review) == (1, 1)
    assert (settings.intake.scan_dir / "review" / "quet-001.jpg").exists()

    config = tmp_path / "review.toml"
    database_url = engine.url.render_as_string(hide_password=False)
    config.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n', encoding="utf-8")
    runner = CliRunner()
    listed = json.loads(runner.invoke(app, ["review", "list", "--format", "json", "--config", str(config)]).stdout)
    [item] = listed
    assert item["kind"] == "uncertain" and all(q in item["reason"] for q in doubtful)
    crops = item["evidence"]["crops"]
    assert all(q in crops for q in doubtful) and all(Path(crops[q]).exists() for q in doubtful)

    answers = [f"--answer={q}=4" for q in doubtful]
    resolved = runner.invoke(
        app, ["review", "resolve", str(item["id"]), *answers, "--by", "Lan", "--config", str(config)]
    )
    assert resolved.exit_code == 0, resolved.output
    with Session(engine) as session:
        stored = {a.question: (a.value, a.uncertain) for a in session.exec(select(Answer)).all()}
        entries = session.exec(select(AuditEntry)).all()
    assert all(stored[q] == ("4", False) for q in doubtful)
    assert any(entry.actor == "Lan" for entry in entries)


def test_after_a_uidvalidity_change_the_same_message_is_recognised_not_reprocessed(engine, world):
    """The mailbox renumbered (new UIDVALIDITY, new UID): the SHA-256 says it was done."""
    settings, sent = world
    filled = replies.fill_on_screen(pdf_of(sent["a@example.vn"]), {"D1": "4"})
    raw = replies.gmail_reply(sent["a@example.vn"], filled, "a@example.vn")
    intake = Intake(engine, settings, known_layouts(engine, settings))
    _, review = intake.take(Incoming("imap:phieu@host", "INBOX", 1111, 7, "", raw))
    assert not review
    intake.take(Incoming("imap:phieu@host", "INBOX", 2222, 1, "", raw))
    assert (intake.report.received, intake.report.repeated, intake.report.responses) == (1, 1, 1)
    with Session(engine) as session:
        assert len(session.exec(select(InboundMessage)).all()) == 1
        assert len(session.exec(select(Response)).all()) == 1
