"""A reply the intake crashed on goes to review as an error; after the fix it is retried, or assigned, and counted."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import partial

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.demo import replies
from khaosat.errors import KhaosatError
from khaosat.intake.pipeline import Intake, reprocess
from khaosat.intake.sources import Incoming
from khaosat.mailer.dispatch import dispatch_once
from khaosat.models import (
    AuditEntry,
    Dossier,
    InboundMessage,
    InboundState,
    Response,
    ResponseMethod,
    ReviewItem,
    ReviewKind,
    ReviewState,
    Survey,
)
from khaosat.reports.rates import unit_rates
from khaosat.review import service as review
from khaosat.review.decisions import Retry
from khaosat.review.queue import add_review
from khaosat.review.view import KIND_LABELS
from khaosat.survey.codes import display_code
from khaosat.survey.layout import LayoutMap

from ..support.factories import add_dossier, local_today
from ..support.settings import make_settings

BROKEN = "bản đồ ô của phiếu không đọc được"


class BrokenLayouts(Mapping[str, LayoutMap]):
    """Layout maps that fail as the reader looks at them: the fault that is fixed before the retry."""

    def __getitem__(self, version: str) -> LayoutMap:
        raise RuntimeError(BROKEN)

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError(BROKEN)

    def __len__(self) -> int:
        return 1


@pytest.fixture
def world(engine, tmp_path, database_url, smtp):
    """Two applicants sent their form by email; both filled it on screen and replied."""
    settings = make_settings(tmp_path, database={"url": database_url}, smtp={"port": smtp.port})
    today = local_today(settings)
    with Session(engine) as session:
        for name in "ab":
            add_dossier(session, f"HS-{name.upper()}", received_on=today, email=f"{name}@example.vn")
    assert dispatch_once(engine, settings).sent == 2
    sent = {received.rcpt_tos[0]: received.message for received in smtp.received}
    answers = {"a@example.vn": {"D1": "5", "B1_1": "4"}, "b@example.vn": {"D1": "3"}}
    raw = {
        address: replies.gmail_reply(message, replies.fill_on_screen(pdf_of(message), answers[address]), address)
        for address, message in sent.items()
    }
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n', encoding="utf-8")
    return settings, raw, config


def pdf_of(message) -> bytes:
    [attachment] = list(message.iter_attachments())
    return attachment.get_content()


def crash_on(engine, settings, raw: bytes, uid: int) -> int:
    """Take one reply with broken layout maps; the id of the review item it makes."""
    intake = Intake(engine, settings, BrokenLayouts())
    _, to_review = intake.take(Incoming("imap:phieu@host", "INBOX", 1, uid, "", raw))
    assert to_review and BROKEN in intake.report.errors[0]
    with Session(engine) as session:
        [item] = session.exec(select(ReviewItem).where(col(ReviewItem.state) == ReviewState.open)).all()
        assert item.kind == ReviewKind.error and item.inbound_id is not None
        assert BROKEN in item.reason and json.loads(item.evidence)["raw"]
        return item.id


def returned(engine, settings) -> int:
    with Session(engine) as session:
        return unit_rates(session, settings).total.returned


def invoke(config, *args):
    return CliRunner().invoke(app, [*(str(arg) for arg in args), "--config", str(config)], catch_exceptions=False)


def survey_code(engine, dossier: str) -> str:
    with Session(engine) as session:
        survey = session.exec(
            select(Survey).join(Dossier, col(Dossier.id) == col(Survey.dossier_id)).where(Dossier.code == dossier)
        ).one()
        return display_code(survey.code)


def test_a_crashed_reply_is_retried_after_the_fix_and_counted(engine, world):
    """`review resolve ID --retry` runs the intake's processing again on the archived message: the reply counts."""
    settings, raw, config = world
    item_id = crash_on(engine, settings, raw["a@example.vn"], uid=1)
    assert returned(engine, settings) == 0
    shown = invoke(config, "review", "show", item_id)
    assert shown.exit_code == 0 and f"({KIND_LABELS[ReviewKind.error]}, chờ xử lý)" in shown.stdout

    resolved = invoke(config, "review", "resolve", item_id, "--retry", "--by", "Lan", "--json")
    assert resolved.exit_code == 0, resolved.output
    result = json.loads(resolved.stdout)
    assert (result["state"], result["counted"], result["by"]) == ("resolved", True, "Lan")
    assert returned(engine, settings) == 1
    with Session(engine) as session:
        response = session.get(Response, result["response"])
        assert (response.method, response.matched_by) == (ResponseMethod.acroform, "field")
        inbound = session.get(InboundMessage, response.inbound_id)
        assert (inbound.state, inbound.kind) == (InboundState.processed, "reply")
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.target == f"review:{item_id}")).all()
        assert (entry.actor, entry.action) == ("Lan", "review.retry")
    again = invoke(config, "review", "resolve", item_id, "--retry")
    assert again.exit_code == 1 and "đã được xử lý" in again.output


def test_a_second_crashed_reply_is_assigned_with_answers_and_counted(engine, world):
    """An error item is settled like an unmatched one: assigned to its survey with the answers a person read."""
    settings, raw, config = world
    first = crash_on(engine, settings, raw["a@example.vn"], uid=1)
    assert invoke(config, "review", "resolve", first, "--retry").exit_code == 0
    item_id = crash_on(engine, settings, raw["b@example.vn"], uid=2)
    code = survey_code(engine, "HS-B")
    resolved = invoke(config, "review", "resolve", item_id, "--survey", code, "--answer", "D1=3", "--by", "Lan")
    assert resolved.exit_code == 0, resolved.output
    assert "được tính" in resolved.stdout
    assert returned(engine, settings) == 2
    with Session(engine) as session:
        item = session.get(ReviewItem, item_id)
        response = session.get(Response, item.response_id)
        assert (response.method, response.matched_by, response.counted) == (ResponseMethod.manual, "manual", True)
        assert session.exec(select(Survey).where(Survey.id == response.survey_id)).one().responded


def test_a_retry_that_fails_again_keeps_the_item_open(engine, world):
    """Retried through the same processing with the fault still there: refused, nothing recorded, the item waits."""
    settings, raw, _ = world
    item_id = crash_on(engine, settings, raw["a@example.vn"], uid=1)
    still_broken = partial(reprocess, settings=settings, layouts=BrokenLayouts())
    with Session(engine) as session, pytest.raises(KhaosatError, match=BROKEN):
        review.resolve(session, item_id, Retry(), actor="Lan", settings=settings, reprocess=still_broken)
    with Session(engine) as session:
        assert session.get(ReviewItem, item_id).state == ReviewState.open
        assert session.exec(select(Response)).all() == []
    assert returned(engine, settings) == 0


def test_only_an_error_item_is_retried(engine, world):
    """Retrying is for items the intake failed on; any other kind is refused with one line."""
    _, _, config = world
    with Session(engine) as session:
        item_id = add_review(session, ReviewKind.attachment, "Thư không có tệp đính kèm nào").id
        session.commit()
    refused = invoke(config, "review", "resolve", item_id, "--retry")
    assert refused.exit_code == 1 and "không thử lại được" in refused.output


def test_every_kind_has_a_vietnamese_label():
    """`review list` and `review show` name every kind of item in Vietnamese, the error kind included."""
    assert set(KIND_LABELS) == set(ReviewKind)
    assert KIND_LABELS[ReviewKind.error] == "lỗi khi xử lý"
