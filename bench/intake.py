"""Intake benchmark: N replies with filled PDFs in a real Dovecot, then one intake run.

Each reply is a Gmail-style answer to a real invitation: its personalised form filled on
screen (pypdf) and attached. Reports replies per second end to end (fetch, archive,
record, classify, read, match, store, move) and CPU ms per reply of the intake process.

    .venv/bin/python bench/intake.py [--replies 1000]
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import Session, select

from khaosat.database import init_schema
from khaosat.demo import replies
from khaosat.intake.run import intake_once
from khaosat.mailer.compose import Envelope, Invitation, compose_invitation
from khaosat.mailer.outbox import queue_new_surveys
from khaosat.models import OutboxMessage, OutboxState, Survey, make_engine, utcnow
from khaosat.settings import parse_settings
from khaosat.survey.render import context_from_settings, ensure_layout, renderer_for
from khaosat.tests.support.dovecot import Dovecot

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dispatch import cpu_seconds, seed

ANSWERS = {"B1_1": "5", "B1_2": "4", "B2_1": "na", "B3_1": "4", "C1": "1", "D1": "4"}


def build_replies(engine, settings, count: int) -> list[bytes]:  # type: ignore[no-untyped-def]
    renderer = renderer_for("")
    with Session(engine) as session:
        ensure_layout(session, renderer)
        queue_new_surveys(session, settings, form_version=renderer.version, today=utcnow().date())
        rows = session.exec(select(Survey, OutboxMessage).join(OutboxMessage)).all()
        messages = []
        for survey, row in rows[:count]:
            row.state, row.sent_at, survey.sent_at = OutboxState.sent, utcnow(), utcnow()
            session.add_all([row, survey])
            pdf = renderer.render(context_from_settings(settings, survey_code=survey.code, dossier_code=str(survey.id)))
            invitation = Invitation(survey.code, str(survey.id), "Thủ tục", "Phòng", "", "Sở KH&CN")
            envelope = Envelope(
                settings.smtp.from_address, "Sở KH&CN", row.recipient, row.message_id, settings.smtp.reply_to
            )
            original = email.message_from_bytes(
                compose_invitation(invitation, envelope, b"%PDF"), policy=email.policy.default
            )
            filled = replies.fill_on_screen(pdf, ANSWERS)
            messages.append(replies.gmail_reply(original, filled, row.recipient))
        session.commit()
    return messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=1000)
    args = parser.parse_args()
    server = Dovecot().start()
    try:
        user = server.add_user()
        with tempfile.TemporaryDirectory() as workspace:
            imap = server.settings(user)
            settings = parse_settings(
                {
                    "smtp": {"from_address": "khaosat@skhcn.example.gov.vn", "reply_to": "phieu@skhcn.example.gov.vn"},
                    "imap": imap.model_dump(),
                },
                Path(workspace),
                environ={imap.password_env: user.password},
            )
            engine = make_engine(f"sqlite:///{workspace}/bench.db")
            init_schema(engine)
            seed(engine, args.replies, settings.organization.timezone)
            messages = build_replies(engine, settings, args.replies)
            server.append_many(user, "INBOX", messages)
            cpu_before, start = cpu_seconds(), time.perf_counter()
            report = intake_once(engine, settings)
            elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu_before
    finally:
        server.stop()
    assert report.responses == args.replies and not report.errors, report
    print(
        json.dumps(
            {
                "replies": args.replies,
                "replies_per_second": round(args.replies / elapsed, 1),
                "cpu_ms_per_reply": round(1000 * cpu / args.replies, 1),
                "mean_kb": round(sum(map(len, messages)) / len(messages) / 1024, 1),
                "seconds": round(elapsed, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
