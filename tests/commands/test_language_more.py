"""More verbs in English mode (init, review, audit, user) and the errors after "Error:"; Vietnamese unchanged."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session
from typer.testing import CliRunner

from khaosat.cli import app
from khaosat.models import ReviewItem, ReviewKind

from ..support.report_data import seed_round
from ..support.settings import make_settings

runner = CliRunner()


def run(tmp_path, database_url: str, language: str, *args: str, exit_code: int = 0, stdin: str = "",
        organization: str = "") -> str:  # fmt: skip
    """A verb with ``KHAOSAT_LANG`` set to ``language``; its output (stdout and stderr), spaces folded."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[organization]\n{organization}[database]\nurl = "{database_url}"\n[storage]\ndir = "data"\n',
        encoding="utf-8",
    )
    env = {"COLUMNS": "200", "KHAOSAT_LANG": language}
    result = runner.invoke(app, [*args, "--config", str(config)], env=env, input=stdin)
    assert result.exit_code == exit_code, result.output
    return " ".join(result.output.split())


def test_init_and_review_list_in_english(database_url, tmp_path):
    """A database not initialised says so in English; init, then the review queue with its English labels."""
    refused = run(tmp_path, database_url, "en", "review", "list", exit_code=1)
    assert "Error: the database" in refused and "is not initialised: run `khaosat init`" in refused
    assert "chưa được khởi tạo" not in refused
    assert "Database ready (schema revision" in run(tmp_path, database_url, "en", "init")
    assert run(tmp_path, database_url, "en", "review", "list") == "Nothing is waiting for review."
    from khaosat.models import make_engine

    engine = make_engine(database_url)
    with Session(engine) as session:
        session.add(ReviewItem(kind=ReviewKind.unmatched, reason="mã {x} <b>", created_at=datetime.now(UTC)))
        session.commit()
    engine.dispose()
    english = run(tmp_path, database_url, "en", "review", "list")
    for wording in ("Review queue: 1 items", "Kind", "State", "not matched to a form", "open", "mã {x} <b>",
                    "See the evidence: khaosat review show NO."):  # fmt: skip
        assert wording in english, wording
    assert "chưa khớp phiếu" not in english and "Hàng chờ" not in english
    vietnamese = run(tmp_path, database_url, "vi", "review", "list")
    assert "Hàng chờ xem xét: 1 mục" in vietnamese and "chưa khớp phiếu" in vietnamese and "chờ xử lý" in vietnamese
    unsettled = run(tmp_path, database_url, "en", "review", "resolve", "1", "--reject", " ", exit_code=1)
    assert unsettled == "Error: a reason for the rejection is needed"
    missing = run(tmp_path, database_url, "vi", "review", "resolve", "7", "--reject", "x", exit_code=1)
    assert missing == "Lỗi: không có mục xem xét số 7"
    shown = run(tmp_path, database_url, "en", "review", "show", "1")
    assert "Item 1 (not matched to a form, open): mã {x} <b>" in shown and "Form: —; file: —" in shown


def test_audit_in_english(engine, database_url, tmp_path):
    """The audit's table, its equations, its problems (replies seeded without their raw file) and its verdict."""
    seed_round(engine, make_settings(tmp_path, database={"url": database_url}), {"QLCN": (2, 2, 2), "KHTC": (3, 3, 1)})
    english = run(tmp_path, database_url, "en", "audit", "--round", "2026-2", exit_code=1)
    for wording in ("Audit of the figures — round 2026-2", "Dossiers", "Pending", "Outstanding",
                    "Must hold: Dossiers = Sent + Pending + Failed", "(reply no. 1): no original message or file",
                    "Mismatch: 3 problems."):  # fmt: skip
        assert wording in english, wording
    assert "Đối soát" not in english and "phiếu" not in english
    vietnamese = run(tmp_path, database_url, "vi", "audit", "--round", "2026-2", exit_code=1)
    assert "Đối soát số liệu — đợt 2026-2" in vietnamese and "Không khớp: 3 vấn đề." in vietnamese
    assert "(phiếu trả lời số 1): không có thư hay tệp gốc nào được ghi nhận" in vietnamese


def test_user_add_and_list_in_english(engine, database_url, tmp_path):
    added = run(tmp_path, database_url, "en", "user", "add", "lan", "--role", "admin", "--password-stdin",
                stdin="mot-mat-khau-dai\n")  # fmt: skip
    assert added == "Added the account lan (role admin)."
    listed = run(tmp_path, database_url, "en", "user", "list")
    assert "Name" in listed and "Role" in listed and "active" in listed and "Vai trò" not in listed
    assert "đang dùng" in run(tmp_path, database_url, "vi", "user", "list")
    refused = run(tmp_path, database_url, "en", "user", "add", "x", "--role", "admin", "--password-stdin",
                  stdin="short\n", exit_code=1)  # fmt: skip
    assert refused.startswith("Error:")


def test_user_add_refuses_a_short_password_in_english(engine, database_url, tmp_path):
    """The refusal of web/staff/accounts.py after "Error:" in English, and in Vietnamese as it always read."""
    args = ("user", "add", "lan", "--role", "admin", "--password-stdin")
    english = run(tmp_path, database_url, "en", *args, stdin="ngắn\n", exit_code=1)
    assert english == "Error: the password needs at least 10 characters"
    vietnamese = run(tmp_path, database_url, "vi", *args, stdin="ngắn\n", exit_code=1)
    assert vietnamese == "Lỗi: mật khẩu cần ít nhất 10 ký tự"
    unit = run(tmp_path, database_url, "en", "user", "add", "lan", "--role", "unit", "--unit", "XYZ",
               "--password-stdin", stdin="mot-mat-khau-dai\n", exit_code=1)  # fmt: skip
    assert unit == "Error: the unit role needs --unit CODE of a known unit (there is no 'XYZ')"


def test_configuration_errors_in_english(tmp_path):
    """Our validators' messages, pydantic's and tomllib's, after "Error:", from KHAOSAT_LANG or the configuration."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    zone = 'timezone = "Mars/Base"\n'
    english = run(tmp_path, url, "en", "status", exit_code=1, organization=zone)
    assert (
        english
        == "Error: configuration key 'organization.timezone': no time zone 'Mars/Base' (for example 'Asia/Ho_Chi_Minh')"
    )
    configured = run(tmp_path, url, "", "status", exit_code=1, organization=f'language = "en"\n{zone}')
    assert configured.startswith("Error: configuration key 'organization.timezone': no time zone")
    vietnamese = run(tmp_path, url, "vi", "status", exit_code=1, organization=zone)
    assert (
        vietnamese
        == "Lỗi: khóa cấu hình 'organization.timezone': không có múi giờ 'Mars/Base' (ví dụ 'Asia/Ho_Chi_Minh')"
    )
    typed = run(tmp_path, url, "en", "status", exit_code=1, organization="phone = 5\n")
    assert typed == "Error: configuration key 'organization.phone': must be a string in double quotes"
    (tmp_path / "results.json").write_text("{}", encoding="utf-8")
    refused = run(tmp_path, url, "en", "subunit", "import", str(tmp_path / "results.json"), exit_code=1)
    assert refused == (
        "JSON file, top: not a file of “khaosat report round --format json” (“format”: “khaosat-round” missing) "
        "Error: results.json has 1 errors; nothing imported."
    )
    unknown = run(tmp_path, url, "en", "status", exit_code=1, organization="colour = 'red'\n")
    assert unknown == "Error: configuration key 'organization.colour': no such key (see the sample config.toml)"


def test_dossier_import_in_english(engine, database_url, tmp_path):
    """The import's summary, its rejected rows and warnings in English."""
    export = tmp_path / "export.csv"
    export.write_text(
        "Mã hồ sơ,Thủ tục,Đơn vị,Ngày tiếp nhận,Email\n"
        "H1,Cấp phép,Phòng A,01/12/2026,sai-email\n"
        ",Cấp phép,Phòng A,01/12/2026,a@example.vn\n",
        encoding="utf-8",
    )
    english = run(tmp_path, database_url, "en", "dossiers", "import", str(export))
    for wording in ("New dossiers: 1;", "rows rejected: 1;", "Rows rejected", "Dossier code missing",
                    "Warnings", "Email not valid: “sai-email”"):  # fmt: skip
        assert wording in english, wording
    assert "Thiếu mã hồ sơ" not in english
