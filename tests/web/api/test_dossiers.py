"""POST /api/v1/dossiers: idempotent on the dossier code, all or nothing, behind an API key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from khaosat.models import Dossier, OutboxMessage, Survey, Unit
from khaosat.settings import Settings
from khaosat.web.api.dossiers import MAX_BODY
from khaosat.web.api.keys import disable_key

from ...support.factories import local_today
from ..client import WebClient
from .conftest import UNIT


def dossier(code: str, settings: Settings, **fields: Any) -> dict[str, Any]:
    return {
        "code": code,
        "procedure_code": "1.004",
        "procedure_name": "Cấp giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
        "unit": UNIT,
        "applicant": "Công ty TNHH Ánh Dương",
        "email": f"{code.lower()}@example.vn",
        "phone": "0912 345 678",
        "received_on": local_today(settings).isoformat(),
        **fields,
    }


def post(client: WebClient, key: str, body: Any) -> Any:
    return client.post("/api/v1/dossiers", json=body, headers={"Authorization": f"Bearer {key}"})


def counts(engine: Engine) -> tuple[int, ...]:
    """Dossiers, surveys, outbox rows."""
    with Session(engine) as session:
        return tuple(
            session.exec(select(func.count()).select_from(model)).one() for model in (Dossier, Survey, OutboxMessage)
        )


def test_the_same_batch_three_times_makes_one_dossier_and_one_invitation_each(client, api_key, engine, settings):
    """Sent three times, a batch of two gives two dossiers, two surveys, two invitations."""
    batch = [dossier("HS-001", settings), dossier("HS-002", settings, unit="phong quan ly chuyen nganh")]
    answers = [post(client, api_key, batch) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    first, *again = (answer.json() for answer in answers)
    assert (first["new"], first["invitations_queued"]) == (2, 2)
    assert all((a["new"], a["updated"], a["unchanged"], a["invitations_queued"]) == (0, 0, 2, 0) for a in again)
    assert counts(engine) == (2, 2, 2)
    with Session(engine) as session:
        assert [unit.code for unit in session.exec(select(Unit))] == ["QLCN"]
        assert session.exec(select(Dossier).where(Dossier.code == "HS-001")).one().phone == "+84912345678"


def test_one_dossier_as_an_object(client, api_key, engine, settings):
    answer = post(client, api_key, dossier("HS-010", settings))
    assert answer.status_code == 200, answer.text
    assert counts(engine) == (1, 1, 1)


def test_a_changed_dossier_is_updated_as_a_reimported_row(client, api_key, engine, settings):
    """Another phone: updated, no second survey nor invitation; a warning names a bad email."""
    post(client, api_key, [dossier("HS-001", settings)])
    answer = post(client, api_key, [dossier("HS-001", settings, phone="0263 3822 999", email="khong-hop-le")])
    assert answer.status_code == 200
    assert (answer.json()["updated"], answer.json()["new"]) == (1, 0)
    assert answer.json()["warnings"] == [{"index": 0, "message": "Email không hợp lệ: “khong-hop-le”"}]
    assert counts(engine) == (1, 1, 1)
    with Session(engine) as session:
        stored = session.exec(select(Dossier)).one()
    assert (stored.phone, stored.email, stored.source) == ("+842633822999", "", "api:motcua:1")


def test_malformed_json_stores_nothing(client, api_key, engine):
    answer = client.post(
        "/api/v1/dossiers", content=b'[{"code": "HS-1",', headers={"Authorization": f"Bearer {api_key}"}
    )
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("Nội dung không phải JSON hợp lệ")
    assert post(client, api_key, []).status_code == 400
    assert counts(engine) == (0, 0, 0)


def test_field_errors_per_item_and_nothing_stored(client, api_key, engine, settings):
    """One good item, then an object for a value, an unknown key, no code, an unreadable date, a repeated code."""
    batch = [
        dossier("HS-001", settings),
        dossier("HS-002", settings, phone={"so": "0912"}),
        dossier("HS-003", settings, ngay="01/01/2026"),
        dossier("", settings),
        dossier("HS-005", settings, received_on="31/02/2026"),
        dossier("HS-001", settings),
        "HS-007",
    ]
    answer = post(client, api_key, batch)
    assert answer.status_code == 422
    errors = [(e["index"], e["field"]) for e in answer.json()["errors"]]
    assert errors == [(1, "phone"), (2, "ngay"), (3, "code"), (4, "received_on"), (5, "code"), (6, "")]
    messages = [e["message"] for e in answer.json()["errors"]]
    assert messages[0] == "Giá trị phải là chuỗi, số hoặc null"
    assert messages[3] == "Ngày tiếp nhận không đọc được: “31/02/2026”"
    assert counts(engine) == (0, 0, 0)


def test_an_unknown_unit_is_refused_with_the_lines_to_configure(client, api_key, engine, settings):
    """A unit neither configured nor stored: 422 naming it, a suggested [[units]] entry, nothing stored."""
    batch = [dossier("HS-001", settings), dossier("HS-002", settings, unit="Phòng Kế hoạch tài chính")]
    answer = post(client, api_key, batch)
    assert answer.status_code == 422
    (error,) = answer.json()["errors"]
    assert (error["index"], error["field"]) == (1, "unit")
    assert error["message"].startswith("Đơn vị chưa có trong cấu hình: “Phòng Kế hoạch tài chính”")
    assert 'code = "PKHTC"' in error["message"]
    assert counts(engine) == (0, 0, 0)
    with Session(engine) as session:
        assert session.exec(select(Unit)).all() == []


def test_a_missing_wrong_or_disabled_key_gets_the_same_401(client, api_key, engine, settings):
    body = [dossier("HS-001", settings)]
    missing = client.post("/api/v1/dossiers", json=body)
    wrong = post(client, "ks_" + "A" * 43, body)
    with Session(engine) as session:
        disable_key(session, "motcua")
    disabled = post(client, api_key, body)
    answers = [missing, wrong, disabled]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert len({a.text for a in answers}) == 1
    assert missing.headers["www-authenticate"] == "Bearer"
    assert counts(engine) == (0, 0, 0)


def test_a_body_too_large_is_refused(client, api_key, engine):
    answer = client.post(
        "/api/v1/dossiers",
        content=b"[" + b" " * MAX_BODY + b"]",
        headers={"Authorization": f"Bearer {api_key}"},
    )
    assert answer.status_code == 413
    assert counts(engine) == (0, 0, 0)


def test_a_body_too_large_without_its_length_is_refused_as_it_comes(client, api_key, engine):
    """Sent in chunks with no Content-Length: refused once it passes the limit."""

    async def chunks() -> AsyncIterator[bytes]:
        yield b"["
        for _ in range(MAX_BODY // 65536 + 1):
            yield b" " * 65536
        yield b"]"

    answer = client.post("/api/v1/dossiers", content=chunks(), headers={"Authorization": f"Bearer {api_key}"})
    assert answer.status_code == 413
    assert answer.json()["detail"].startswith("Nội dung quá lớn: tối đa 1 MB")
    assert counts(engine) == (0, 0, 0)
