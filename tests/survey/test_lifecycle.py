"""One owner for the survey's life: only survey/lifecycle.py writes its status; a bounce and a 5xx move it alike."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlmodel import Session, col, select

from khaosat.demo import replies
from khaosat.intake.pipeline import Intake
from khaosat.intake.sources import Incoming
from khaosat.mailer.dispatch import dispatch_once
from khaosat.models import Dossier, OutboxMessage, Survey

from ..support.factories import add_dossier, local_today
from ..support.paths import REPOSITORY
from ..support.settings import make_settings

OWNER = REPOSITORY / "survey" / "lifecycle.py"
NOT_PACKAGE = {"tests", "bench", "deploy", "build"}
# What the lifecycle moves. A field only a survey has is the survey's wherever it is written;
# one that other rows have too (an outbox row's sent_at, channel) only on something named a survey.
SURVEY_ONLY = {"status", "responded", "responded_at", "opted_out_at"}
SHARED = {"sent_at", "channel"}


def _named_survey(node: ast.expr) -> bool:
    while isinstance(node, ast.Subscript | ast.Call):
        node = node.value if isinstance(node, ast.Subscript) else node.func
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return "survey" in name.lower()


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        found = list(node.targets)
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        found = [node.target]
    else:
        return []
    flat: list[ast.expr] = []
    while found:
        target = found.pop()
        if isinstance(target, ast.Tuple | ast.List):
            found.extend(target.elts)
        else:
            flat.append(target)
    return flat


def _mentions_survey_status(node: ast.AST) -> bool:
    return any(isinstance(sub, ast.Name) and sub.id == "SurveyStatus" for sub in ast.walk(node))


def survey_writes(source: str) -> list[int]:
    """Lines of ``source`` that write a survey's lifecycle fields: attribute assignments, and
    ``status=SurveyStatus…`` in a call (an UPDATE's ``values``, a constructor)."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(source)):
        for target in _targets(node):
            if not isinstance(target, ast.Attribute):
                continue
            value = getattr(node, "value", None)
            if (
                target.attr in SURVEY_ONLY
                and (_named_survey(target.value) or (value is not None and _mentions_survey_status(value)))
            ) or (target.attr in SHARED and _named_survey(target.value)):
                lines.append(node.lineno)
        if isinstance(node, ast.Call):
            lines += [node.lineno for kw in node.keywords if kw.arg == "status" and _mentions_survey_status(kw.value)]
    return sorted(set(lines))


def package_modules() -> list[Path]:
    return [
        path
        for path in REPOSITORY.rglob("*.py")
        if not ({".venv", *NOT_PACKAGE} & {path.relative_to(REPOSITORY).parts[0]})
        and not path.relative_to(REPOSITORY).parts[0].startswith(".")
    ]


def test_only_the_lifecycle_writes_a_surveys_status():
    """No module but survey/lifecycle.py assigns a survey's status, responded, sent or opt-out fields."""
    modules = package_modules()
    assert OWNER in modules and len(modules) > 50
    writers = {
        f"{path.relative_to(REPOSITORY)}:{line}"
        for path in modules
        if path != OWNER
        for line in survey_writes(path.read_text("utf-8"))
    }
    assert writers == set()
    assert survey_writes(OWNER.read_text("utf-8"))  # the check sees the owner's writes


def test_the_check_sees_survey_writes_and_not_other_rows_states():
    """Survey assignments and UPDATEs are found; an outbox row's or review item's state is not."""
    writes = """
survey.status = SurveyStatus.sent
self.survey.responded, other = True, 1
surveys[0].sent_at = now
row.status = SurveyStatus.failed
session.execute(sa.update(Survey).where(Survey.id == 1).values(status=SurveyStatus.failed))
"""
    assert survey_writes(writes) == [2, 3, 4, 5, 6]
    others = """
row.state, row.sent_at, row.last_error = OutboxState.sent, now, ""
item.state, item.resolved_at = ReviewState.resolved, now
inbound.state = InboundState.review
row.channel = Channel.post
result.status = "rejected"
status = SurveyStatus.sent
"""
    assert survey_writes(others) == []


def outcome(engine, dossier_code: str) -> tuple[object, ...]:
    """A survey's status, channel and sent time, and its outbox rows (kind, channel, state)."""
    with Session(engine) as session:
        survey = session.exec(
            select(Survey).join(Dossier, col(Dossier.id) == col(Survey.dossier_id)).where(Dossier.code == dossier_code)
        ).one()
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.survey_id == survey.id).order_by(col(OutboxMessage.id))
        ).all()
        return survey.status, survey.channel, survey.sent_at, [(row.kind, row.channel, row.state) for row in rows]


def test_a_bounce_and_an_smtp_5xx_move_the_survey_alike(engine, tmp_path, smtp):
    """Refused at RCPT, or accepted and bounced later: the survey goes by post, not sent, with a post row queued."""
    settings = make_settings(tmp_path, smtp={"port": smtp.port})
    today = local_today(settings)
    with Session(engine) as session:
        add_dossier(session, "HS-REFUSED", received_on=today, email="khongton@example.vn", address="1 Lê Lợi, Đà Lạt")
        add_dossier(session, "HS-BOUNCED", received_on=today, email="hopthuday@example.vn", address="2 Lê Lợi, Đà Lạt")
    smtp.handler.rcpt_replies["khongton@example.vn"] = "550 5.1.1 no such user"
    report = dispatch_once(engine, settings)
    assert (report.sent, report.failed) == (1, 1)
    [accepted] = [received.message for received in smtp.received]

    intake = Intake(engine, settings, {})
    intake.take(Incoming("imap:phieu@host", "INBOX", 1, 1, "", replies.bounce(accepted)))
    assert intake.report.bounces == 1

    refused, bounced = outcome(engine, "HS-REFUSED"), outcome(engine, "HS-BOUNCED")
    assert refused == bounced
    assert refused[:3] == ("pending", "post", None)
    assert refused[3] == [("invitation", "email", "failed"), ("invitation", "post", "pending")]
