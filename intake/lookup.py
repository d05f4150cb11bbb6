"""What codes, Message-IDs and addresses point to, asked of the database."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..models import Dossier, OutboxMessage, Survey, SurveyStatus


class DatabaseLookup:
    """The ``SurveyLookup`` of matching.py over one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_code(self, code: str) -> int | None:
        return self.session.exec(select(Survey.id).where(col(Survey.code) == code)).first()

    def by_message_id(self, message_id: str) -> int | None:
        return self.session.exec(
            select(OutboxMessage.survey_id).where(col(OutboxMessage.message_id) == message_id)
        ).first()

    def open_by_sender(self, address: str) -> list[int]:
        rows = self.session.exec(
            select(Survey.id)
            .join(Dossier, col(Dossier.id) == col(Survey.dossier_id))
            .where(
                col(Dossier.email) == address,
                col(Survey.responded).is_(False),
                col(Survey.status) != SurveyStatus.failed,
            )
        ).all()
        return [row for row in rows if row is not None]

    def outbox_by_message_ids(self, message_ids: tuple[str, ...]) -> OutboxMessage | None:
        if not message_ids:
            return None
        return self.session.exec(select(OutboxMessage).where(col(OutboxMessage.message_id).in_(message_ids))).first()

    def outbox_by_survey_codes(self, codes: tuple[str, ...]) -> OutboxMessage | None:
        if not codes:
            return None
        return self.session.exec(
            select(OutboxMessage)
            .join(Survey, col(Survey.id) == col(OutboxMessage.survey_id))
            .where(col(Survey.code).in_(codes))
            .order_by(col(OutboxMessage.id).desc())
        ).first()

    def latest_fax_to(self, digits: str) -> OutboxMessage | None:
        """The latest fax sent to a number (national or international digits)."""
        subscriber = (digits[2:] if digits.startswith("84") else digits).lstrip("0")
        if not subscriber:
            return None
        return self.session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.channel) == "fax", col(OutboxMessage.recipient).like(f"%{subscriber}@%"))
            .order_by(col(OutboxMessage.id).desc())
        ).first()
