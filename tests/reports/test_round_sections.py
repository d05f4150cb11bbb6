"""The round report's tables on SQLite and PostgreSQL: per procedure and channel, against the previous round,
the comments (typed, and paper crops by survey code), the one-page summary, and the round as JSON."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from sqlmodel import Session

from khaosat.mailer.outbox import mark_sent, queue_new_surveys
from khaosat.models import InboundMessage, ResponseMethod, Survey, utcnow
from khaosat.reports.round import build_round_report, previous_period
from khaosat.reports.round_json import round_json
from khaosat.reports.round_view import round_report_view
from khaosat.reports.round_xlsx import round_xlsx
from khaosat.reports.subunit_results import SubunitResults, SubunitRow, results_from_round_json
from khaosat.reports.subunits import store_results
from khaosat.settings import default_rounds
from khaosat.survey.codes import display_code
from khaosat.survey.questionnaire import load_questionnaire
from khaosat.survey.responses import ReadAnswers, record_answers
from khaosat.survey.rounds import period_named

from ..support.databases import module_database
from ..support.factories import add_dossier
from ..support.report_data import NOW, record_more, seed_round, unit_outbox
from ..support.settings import make_settings

FIRST_ROUND = date(2026, 5, 4)


def procedure(unit: str, index: int) -> tuple[str, str]:
    return ("1.004", "Cấp giấy chứng nhận") if index % 2 == 0 else ("2.001", "Thẩm định công nghệ")


def answers(unit: str, index: int) -> dict[str, str | None]:
    return {"D1": "5" if index == 0 else "3", "B1_1": "4"}


database_url, engine = module_database("round")  # the tests only read what ``seeded`` wrote


@pytest.fixture(scope="module")
def config(tmp_path_factory, database_url):
    return make_settings(tmp_path_factory.mktemp("round-workspace"), database={"url": database_url})


@pytest.fixture(scope="module")
def seeded(engine, config):
    """Round 2026-1: QLCN 2 sent, 2 returned. Round 2026-2: QLCN 4 sent, 2 returned; KHTC 2 sent, 1 returned;
    a typed comment, a paper reply with its comment crop, a paper reply without; a sub-unit's results."""
    # Round 2026-1: two dossiers of QLCN, both sent and answered (ZZ-…: listed after the next round's).
    with Session(engine) as session:
        for index in range(2):
            code, name = procedure("QLCN", index)
            add_dossier(session, f"ZZ-{index}", received_on=FIRST_ROUND, procedure=code, procedure_name=name,
                        email=f"cu{index}@example.vn")  # fmt: skip
        queue_new_surveys(session, config, form_version="1", today=FIRST_ROUND + timedelta(days=1))
        for index, (row, survey) in enumerate(unit_outbox(session, "QLCN")):
            mark_sent(session, row, now=NOW - timedelta(days=200))
            record_more(session, survey, answers("QLCN", index))
        session.commit()
    seed_round(engine, config, {"QLCN": (5, 4, 2), "KHTC": (2, 2, 0)}, answers=answers, procedure=procedure)
    with Session(engine) as session:
        inbound = InboundMessage(source="scan", sha256="9" * 64, name="scan.pdf", received_at=utcnow())
        session.add(inbound)
        session.flush()
        khtc = [survey for _, survey in unit_outbox(session, "KHTC")]
        typed = ReadAnswers({"D1": "4"}, ResponseMethod.web, comment="  Cần thêm chỗ ngồi <b>chờ</b>  ")
        record_answers(session, session.get(Survey, khtc[0].id), typed, matched_by="qr", now=NOW)
        waiting = [s for _, s in unit_outbox(session, "QLCN") if s.sent_at and not s.responded]
        assert len(waiting) == 2
        for index, survey in enumerate(waiting):
            paper = ReadAnswers({"D1": "2"}, ResponseMethod.omr)
            record_answers(session, survey, paper, matched_by="qr", inbound_id=inbound.id, now=NOW)
            if index == 0:
                folder = config.storage.dir / "evidence" / str(inbound.id)
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"{survey.code}-p2-E1.png").write_bytes(b"\x89PNG")
        rows = [SubunitRow("TDC", "Chi cục TĐC", "1.004", "Cấp giấy chứng nhận", 5, 4, 4, {"D1": {"5": 4}})]
        store_results(session, SubunitResults("Chi cục TĐC", "2026-2", "1", "xlsx", rows), file_name="tdc.xlsx",
                      sha256="f" * 64, actor="thu.ky", now=NOW)  # fmt: skip
        session.commit()
        codes = {"typed": display_code(khtc[0].code), "crop": display_code(waiting[0].code)}
        crop = f"evidence/{inbound.id}/{waiting[0].code}-p2-E1.png"
    return engine, codes, crop


@pytest.fixture(scope="module")
def report(seeded, config):
    engine, _, _ = seeded
    with Session(engine) as session:
        return build_round_report(session, config, "2026-2", NOW)


def test_rates_per_procedure_and_channel_add_up_to_the_units(report):
    procedures = {rate.unit: rate for rate in report.procedure_rates}
    assert sum(rate.sent for rate in procedures.values()) == report.rates.total.sent == 4 + 2 + 4
    assert (procedures["1.004"].dossiers, procedures["1.004"].sent) == (3 + 1 + 5, 2 + 1 + 4)
    channels = {rate.unit: rate for rate in report.channel_rates}
    assert sorted(channels) == ["email", "subunit"]
    assert (channels["email"].sent, channels["email"].returned, channels["email"].dossiers) == (6, 5, 0)
    assert (channels["subunit"].name, channels["subunit"].returned) == ("Đơn vị trực thuộc tự khảo sát", 4)
    by_channel = {group.key: group for group in report.by_channel}
    assert by_channel["subunit"].levels.very == 4 and by_channel["email"].responses == 5


def test_every_unit_is_scored_even_without_a_reply(report):
    by_unit = {group.key: group for group in report.by_unit}
    assert sorted(by_unit) == ["KHTC", "QLCN", "TDC"]
    assert by_unit["KHTC"].responses == 1 and by_unit["TDC"].name == "Chi cục TĐC (số liệu tự khảo sát)"


def test_the_previous_round_is_compared(report, config):
    previous = report.previous
    assert previous is not None and previous.period.name == "2026-1"
    assert (previous.rates.total.sent, previous.rates.total.returned) == (2, 2)
    view = round_report_view(report, config.organization.zone)
    qlcn = next(row for row in view.changes if row.unit == "QLCN")
    assert (qlcn.rate_before, qlcn.rate_now, qlcn.rate_change) == ("100,0%", "100,0%", "0,0")
    assert view.change_total is not None and view.change_total.rate_before == "100,0%"
    assert view.summary.previous == "đợt 2026-1" and view.summary.rate_change == view.change_total.rate_change
    khtc = next(row for row in view.changes if row.unit == "KHTC")
    assert (khtc.rate_before, khtc.rate_change) == ("—", "—")


def test_comments_typed_and_on_paper_by_survey_code(seeded, report):
    _, codes, crop = seeded
    [typed] = report.comments
    assert (typed.survey, typed.unit, typed.method, typed.text) == (
        codes["typed"],
        "KHTC",
        "web",
        "Cần thêm chỗ ngồi <b>chờ</b>",
    )
    paper = {form.survey: form.crops for form in report.paper_comments}
    assert paper[codes["crop"]] == [crop] and sorted(map(len, paper.values())) == [0, 1]


def test_the_summary_and_the_sub_unit_section(report, config):
    view = round_report_view(report, config.organization.zone)
    summary = view.summary
    assert (summary.sent, summary.returned, summary.rate) == ("10", "9", "90,0%")
    assert summary.coverage == "75,0%"  # 9 replies over 5 + 2 + 5 dossiers
    assert summary.subunits == ["Chi cục TĐC"] and (summary.comments, summary.paper) == (1, 2)
    [record] = view.imports
    assert record.file.startswith("tdc.xlsx (SHA-256 ffffffffffff") and record.rate == "100,0%"
    [row] = view.subunit_rows
    assert (row.subunit, row.unit, row.sent, row.index) == ("Chi cục TĐC", "TDC", "4", "—")


def test_the_workbook_has_every_section_as_numbers(report, config):
    book = openpyxl.load_workbook(io.BytesIO(round_xlsx(report, config.organization.zone)))
    assert book.sheetnames == ["Tỷ lệ thu hồi", "Tỷ lệ theo thủ tục", "Theo kênh", "Hài lòng theo đơn vị",
                               "Hài lòng theo thủ tục", "Theo câu hỏi", "So với đợt trước", "Góp ý",
                               "Góp ý phiếu giấy", "Đơn vị tự khảo sát", "Số liệu tự khảo sát"]  # fmt: skip
    changes = {row[0]: row for row in book["So với đợt trước"].iter_rows(min_row=2, values_only=True)}
    assert changes["QLCN"][2:5] == (1.0, 1.0, 0.0) and changes["KHTC"][2] is None
    [comment] = list(book["Góp ý"].iter_rows(min_row=2, values_only=True))
    assert comment[4] == "Cần thêm chỗ ngồi <b>chờ</b>"
    [imported] = list(book["Đơn vị tự khảo sát"].iter_rows(min_row=2, values_only=True))
    assert imported[:4] == ("Chi cục TĐC", "tdc.xlsx", "f" * 64, "xlsx")


def test_the_round_as_json_reads_back_as_a_sub_unit_s_results(report):
    """`report round --format json` carries per unit and procedure what `subunit import` needs, and no more."""
    data = round_json(report)
    assert (data["format"], data["version"], data["round"]["name"]) == ("khaosat-round", 1, "2026-2")
    counts = {(row["unit"], row["procedure"]): row for row in data["counts"]}
    assert counts["TDC", "1.004"]["reported_by"] == "Chi cục TĐC"
    assert counts["KHTC", "1.004"]["answers"]["D1"] == {"4": 1}
    assert data["satisfaction"]["overall"]["responses"] == report.overall.responses
    results = results_from_round_json(data, load_questionnaire(), default_rounds())
    assert sum(row.sent for row in results.rows) == report.rates.total.sent
    assert sum(row.returned for row in results.rows) == report.rates.total.returned
    assert data["rates"][0]["rate"] == pytest.approx(report.rates.units[0].rate, abs=1e-4)


def test_the_round_before_the_first_of_a_year_is_last_year_s_last():
    rounds = default_rounds()
    assert previous_period(period_named("2026-1", rounds), rounds).name == "2025-2"  # type: ignore[union-attr]
    assert previous_period(period_named("2026-2", rounds), rounds).name == "2026-1"  # type: ignore[union-attr]
