"""A paper form's pages returned apart make one reply: two photos in one message, page 2 in a later
message, two scans one after the other, page 2 first. The same page again is a duplicate; the
same page with other answers a conflict a person merges; a form with nothing on it goes to
review as returned blank. Real Dovecot, the real scan folder, SQLite and PostgreSQL.
"""

# ruff: noqa: F811  (the Dovecot fixtures are imported from tests/support/dovecot.py, then named as arguments)

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.demo import replies
from khaosat.demo.hand import cross_answers, render_pages
from khaosat.intake.imap import ImapSource
from khaosat.intake.pipeline import Intake, IntakeReport
from khaosat.intake.reading import ReadingWorker
from khaosat.intake.scanfolder import ScanFolderSource
from khaosat.intake.sources import Source
from khaosat.models import Answer, AuditEntry, Response, ReviewItem, ReviewState, Survey, utcnow
from khaosat.survey.render import context_from_settings, ensure_layout, renderer_for
from khaosat.survey.responses import pages_held
from khaosat.survey.surveys import ensure_survey

from ..support.dovecot import Dovecot, User, dovecot, imap_user  # noqa: F401
from ..support.factories import add_dossier, local_today
from ..support.settings import make_settings

INTAKE = "phieu@skhcn.example.gov.vn"
STAFF = "vanthu@skhcn.example.gov.vn"
RENDERER = renderer_for("")
LAYOUT = RENDERER.layout
SCAN_DPI = 200.0  # an office scan; a lighter page than 300 dpi keeps the tests fast


def chosen(page: int, shift: int = 0) -> dict[str, str]:
    """One answer for every question of ``page``: the option at a place that moves with ``shift``."""
    options: dict[str, list[str]] = {}
    for box in LAYOUT.pages[page - 1].boxes:
        options.setdefault(box.question, []).append(box.value)
    return {q: values[(i + shift) % len(values)] for i, (q, values) in enumerate(sorted(options.items()))}


@dataclass
class Form:
    """A survey's printed form, and the scans of its pages filled in."""

    survey_id: int
    pages: list[np.ndarray]

    def scan(self, page: int, answers: dict[str, str], quality: int = 85) -> bytes:
        """The page with ``answers`` crossed in pen, as a JPEG (another ``quality``: other bytes, the same page)."""
        image = self.pages[page - 1].copy()
        cross_answers(image, LAYOUT, LAYOUT.pages[page - 1], answers)
        ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        return encoded.tobytes()


@pytest.fixture(scope="module")
def worker(tmp_path_factory) -> Iterator[ReadingWorker]:
    """One reading child for the module's intakes (it starts in about half a second)."""
    reader = ReadingWorker({LAYOUT.version: LAYOUT}, make_settings(tmp_path_factory.mktemp("reader")))
    yield reader
    reader.close()


@pytest.fixture
def settings(tmp_path, database_url, dovecot: Dovecot, imap_user: User, monkeypatch):
    monkeypatch.setenv("KHAOSAT_IMAP_PASSWORD", imap_user.password)
    return make_settings(tmp_path, database={"url": database_url}, imap=dovecot.settings(imap_user).model_dump())


@pytest.fixture
def form(engine, settings) -> Form:
    with Session(engine) as session:
        dossier = add_dossier(session, "HS-TRANG", received_on=local_today(settings), email="a@example.vn")
        ensure_layout(session, RENDERER)
        survey = ensure_survey(session, dossier, settings=settings, form_version=RENDERER.version)
        session.commit()
        assert survey.id is not None
        pdf = RENDERER.render(context_from_settings(settings, survey_code=survey.code))
        return Form(survey.id, render_pages(pdf, dpi=SCAN_DPI))


def take(engine, settings, worker, source: Source, *, days: int = 0) -> IntakeReport:
    moment = utcnow() + timedelta(days=days)
    return Intake(engine, settings, {LAYOUT.version: LAYOUT}, worker=worker, now=lambda: moment).run(source)


def mailbox(engine, settings, worker, dovecot: Dovecot, user: User, message: bytes, *, days: int = 0) -> IntakeReport:
    dovecot.append(user, "INBOX", message)
    source = ImapSource(settings.imap)
    try:
        return take(engine, settings, worker, source, days=days)
    finally:
        source.close()


def scans(engine, settings, worker, files: dict[str, bytes]) -> IntakeReport:
    """Drop ``files`` in the scan folder, one after the other (oldest first), and take them."""
    folder = settings.intake.scan_dir
    folder.mkdir(parents=True, exist_ok=True)
    for age, (name, data) in zip(range(len(files), 0, -1), files.items(), strict=True):
        path = folder / name
        path.write_bytes(data)
        os.utime(path, (time.time() - 60 * age, time.time() - 60 * age))
    return take(engine, settings, worker, ScanFolderSource(folder, min_age=0))


def counted(engine, survey_id: int) -> tuple[Response, dict[str, str | None], list[ReviewItem]]:
    """The one reply the survey counts, its answers, and the open review items."""
    with Session(engine) as session:
        survey = session.get(Survey, survey_id)
        [reply] = session.exec(select(Response).where(Response.survey_id == survey_id, col(Response.counted))).all()
        answers = {a.question: a.value for a in session.exec(select(Answer).where(Answer.response_id == reply.id))}
        items = list(session.exec(select(ReviewItem).where(col(ReviewItem.state) == ReviewState.open)))
        assert survey is not None and survey.responded
        return reply, answers, items


def assert_one_whole_reply(engine, survey_id: int, truth: dict[str, str]) -> None:
    reply, answers, items = counted(engine, survey_id)
    assert {q: answers.get(q) for q in truth} == truth
    assert sorted(pages_held(reply)) == [1, 2] and not reply.conflicting
    assert items == []


def test_two_photos_in_one_message_make_one_reply(engine, settings, worker, form, dovecot, imap_user):
    truth = {**chosen(1), **chosen(2)}
    photos = [(f"trang{n}.jpg", "image/jpeg", form.scan(n, chosen(n), quality=80 + n)) for n in (1, 2)]
    message = replies.plain_message("a@example.vn", INTAKE, "Gửi lại phiếu", text="Hai trang ạ.", attachments=photos)
    report = mailbox(engine, settings, worker, dovecot, imap_user, message)
    assert (report.responses, report.pages_joined, report.duplicates, report.review, report.errors) == (1, 1, 0, 0, [])
    assert_one_whole_reply(engine, form.survey_id, truth)


def test_page_two_in_a_second_message_a_day_later_completes_the_reply(
    engine, settings, worker, form, dovecot, imap_user
):
    first = replies.staff_forwarding_scan(form.scan(1, chosen(1)), "jpeg", STAFF, INTAKE, "trang1.jpg")
    second = replies.staff_forwarding_scan(form.scan(2, chosen(2)), "jpeg", STAFF, INTAKE, "trang2.jpg")
    assert mailbox(engine, settings, worker, dovecot, imap_user, first).responses == 1
    later = mailbox(engine, settings, worker, dovecot, imap_user, second, days=1)
    assert (later.responses, later.pages_joined, later.review) == (0, 1, 0)
    assert_one_whole_reply(engine, form.survey_id, {**chosen(1), **chosen(2)})


def test_two_scans_dropped_one_after_the_other_make_one_reply(engine, settings, worker, form):
    report = scans(
        engine, settings, worker, {"quet-001.jpg": form.scan(1, chosen(1)), "quet-002.jpg": form.scan(2, chosen(2))}
    )
    assert (report.responses, report.pages_joined, report.review) == (1, 1, 0)
    assert_one_whole_reply(engine, form.survey_id, {**chosen(1), **chosen(2)})


def test_page_two_before_page_one(engine, settings, worker, form):
    assert scans(engine, settings, worker, {"b.jpg": form.scan(2, chosen(2))}).responses == 1
    reply, answers, _ = counted(engine, form.survey_id)
    assert sorted(pages_held(reply)) == [2] and "B1_1" not in answers  # counted; page 1's questions unanswered
    assert scans(engine, settings, worker, {"a.jpg": form.scan(1, chosen(1))}).pages_joined == 1
    assert_one_whole_reply(engine, form.survey_id, {**chosen(1), **chosen(2)})


def test_a_page_twice_is_a_duplicate_and_other_answers_a_conflict_merged_by_review(
    engine, settings, worker, form, database_url, tmp_path
):
    """Page 1 scanned again: a duplicate. Page 1 with other ticks: a conflict; `review resolve --merge` takes it."""
    scans(engine, settings, worker, {"p1.jpg": form.scan(1, chosen(1)), "p2.jpg": form.scan(2, chosen(2))})
    again = scans(engine, settings, worker, {"p1-lai.jpg": form.scan(1, chosen(1), quality=70)})
    assert (again.responses, again.duplicates, again.review) == (0, 1, 0)
    other = scans(engine, settings, worker, {"p1-sua.jpg": form.scan(1, chosen(1, shift=1))})
    assert (other.responses, other.duplicates, other.review) == (0, 0, 1)
    _, answers, [item] = counted(engine, form.survey_id)
    assert item.kind == "conflict" and answers["B1_1"] == chosen(1)["B1_1"]

    config = tmp_path / "review.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n', encoding="utf-8")
    result = CliRunner().invoke(
        app, ["review", "resolve", str(item.id), "--merge", "--by", "Lan", "--json", "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counted"] is True
    assert_one_whole_reply(engine, form.survey_id, {**chosen(1, shift=1), **chosen(2)})
    with Session(engine) as session:
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "review.merge")).all()
    assert entry.actor == "Lan" and json.loads(entry.details)["pages"] == [1]


def test_a_form_returned_with_nothing_on_it_goes_to_review_as_blank(engine, settings, worker, form):
    report = scans(engine, settings, worker, {"trong.jpg": form.scan(1, {})})
    assert (report.responses, report.review) == (0, 1)
    with Session(engine) as session:
        [item] = session.exec(select(ReviewItem)).all()
        assert (item.kind, item.survey_id) == ("blank", form.survey_id)
        assert "để trống" in item.reason
        assert session.exec(select(Response)).all() == []
        assert not session.get(Survey, form.survey_id).responded
    assert (Path(settings.intake.scan_dir) / "review" / "trong.jpg").exists()
