"""config.toml → validated, typed settings.

Loading is a pure pipeline: read the TOML file, apply ``KHAOSAT_<SECTION>__<KEY>``
environment overrides, validate with pydantic. Any unknown key or bad value raises
``ConfigError`` naming the key. Secrets are never in the file: a section names the
environment variable that holds its password (``password_env``); parsing reads it once, and
the section keeps it as ``password``, a ``SecretStr`` that stays out of reprs and logs.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from collections.abc import Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import ConfigError
from .language import LANGUAGE_ENV, N_, current, language_named, tr
from .text import fold_words

ENV_PREFIX = "KHAOSAT_"
CONFIG_ENV = "KHAOSAT_CONFIG"
CRON_FIELDS = 5
# The QR of a printed form holds <base_url>/K/<version>/<code> in 80 characters (survey/links.py):
# 80 less "/K/", a 12-symbol version, "/" and an 8-symbol code.
MAX_BASE_URL = 56
KNOWN_CODES_SHOWN = 20  # unit codes listed in a warning about a key naming an unknown unit


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SecretSection(Section):
    """A section with a password, named in the file by its environment variable, resolved at load."""

    _password: SecretStr = PrivateAttr(default=SecretStr(""))

    @property
    def password(self) -> SecretStr:
        return self._password

    def with_password(self, password: str) -> Self:
        """This section holding ``password``."""
        section = self.model_copy()
        section._password = SecretStr(password)
        return section


class OrganizationSettings(Section):
    name: str = "Sở Khoa học và Công nghệ"
    parent: str = "UBND tỉnh"
    address: str = ""
    phone: str = ""
    fax: str = ""
    website: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    language: Literal["vi", "en"] = "vi"  # what people read: messages, reports, emails; KHAOSAT_LANG overrides

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(tr("không có múi giờ {value} (ví dụ 'Asia/Ho_Chi_Minh')", value=repr(value))) from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class DatabaseSettings(Section):
    url: str = ""  # empty: SQLite file khaosat.db under [storage] dir


class StorageSettings(Section):
    dir: Path = Path("data")


Security = Literal["none", "starttls", "tls"]


class SmtpSettings(SecretSection):
    host: str = "localhost"
    port: int = Field(default=25, ge=1, le=65535)
    security: Security = "starttls"
    username: str = ""
    password_env: str = "KHAOSAT_SMTP_PASSWORD"
    verify_tls: bool = True
    ca_file: str = ""
    timeout: float = Field(default=30.0, gt=0)
    from_address: str = "khaosat@localhost"
    from_name: str = ""
    reply_to: str = ""  # empty: [imap] address
    envelope_sender: str = ""  # MAIL FROM (Return-Path), where bounces go; empty: [imap] address or from_address
    verp: bool = True  # the survey's code as a sub-address of the envelope sender (needs sub-addressing)
    max_per_minute: int = Field(default=0, ge=0)
    message_id_domain: str = ""


class FaxSettings(Section):
    gateway: str = ""  # e.g. "{number}@fax.example.vn"; empty: no fax channel

    @field_validator("gateway")
    @classmethod
    def _has_placeholder(cls, value: str) -> str:
        if value and "{number}" not in value and "{e164}" not in value:
            raise ValueError(
                tr("phải chứa {number} hoặc {e164}, ví dụ '{number}@fax.example.vn'", number="{number}", e164="{e164}")
            )
        return value


class DossierSettings(Section):
    inbox_dir: Path = Path("data/dossiers-inbox")
    default_region: str = "VN"
    aliases: dict[str, list[str]] = Field(default_factory=dict)


class SurveySettings(Section):
    questionnaire: str = ""  # empty: the default questionnaire shipped with khaosat
    return_address: str = ""  # postal address printed on the form; empty: organization address
    return_email: str = ""  # where the filled PDF goes back; empty: smtp.reply_to


class RoundSettings(Section):
    """A recurring round, by month-day; the year comes from the dossier's date."""

    name: str
    start: str  # "MM-DD"
    end: str  # "MM-DD", inclusive: the deadline

    @field_validator("start", "end")
    @classmethod
    def _month_day(cls, value: str) -> str:
        try:
            date.fromisoformat(f"2024-{value}")
        except ValueError as exc:
            problem = tr("{value} không phải tháng-ngày dạng 'MM-DD', ví dụ '10-31'", value=repr(value))
            raise ValueError(problem) from exc
        return value


def default_rounds() -> list[RoundSettings]:
    return [
        RoundSettings(name="1", start="01-01", end="10-31"),
        RoundSettings(name="2", start="11-01", end="12-20"),
    ]


class DispatchSettings(Section):
    channels: list[Literal["email", "fax", "post"]] = ["email", "fax", "post"]
    batch_size: int = Field(default=200, ge=1)
    retry_minutes: list[int] = [5, 30, 120, 480]
    resend_uncertain: bool = True  # a form that may not have left is sent once more, with the same Message-ID
    resend_uncertain_after_minutes: float = Field(default=30, ge=0)


class ImapSettings(SecretSection):
    host: str = ""  # empty: no mailbox to poll
    address: str = ""  # the intake mailbox's own address: Reply-To and the envelope sender default to it
    port: int = Field(default=993, ge=1, le=65535)
    security: Security = "tls"
    username: str = ""
    password_env: str = "KHAOSAT_IMAP_PASSWORD"
    verify_tls: bool = True
    ca_file: str = ""
    timeout: float = Field(default=60.0, gt=0)
    folder: str = "INBOX"
    processed_folder: str = "khaosat/processed"
    review_folder: str = "khaosat/review"
    batch_size: int = Field(default=100, ge=1)
    idle: bool = True  # wait in IMAP IDLE between polls where the server offers it: replies taken in at once


class IntakeSettings(Section):
    scan_dir: Path = Path("data/scans")
    max_attachment_mb: float = Field(default=20.0, gt=0)
    # Bounded work per item (issue 14): past a limit the item goes to review with the reason.
    max_pages: int = Field(default=200, ge=1)  # of one file
    max_page_megapixels: float = Field(default=50.0, gt=0, le=150)  # of one image, checked before decoding
    max_unpacked_mb: float = Field(default=50.0, gt=0)  # what the zip archives of one message unpack to
    max_multipart_depth: int = Field(default=50, ge=1, le=500)  # parts inside parts (the parser recurses)
    max_item_seconds: float = Field(default=120.0, gt=0)  # reading the files of one item
    max_evidence_mb: float = Field(default=50.0, gt=0)  # copies kept for review, per item
    keep_first_response: bool = True  # a second, different reply is kept and flagged; the first counts
    operator: str = "khaosat"  # the name written in the audit log for automatic decisions


class ReportSettings(Section):
    target: float = Field(default=0.8, gt=0, le=1)
    unit_targets: dict[str, float] = Field(default_factory=dict)
    board_emails: list[str] = Field(default_factory=list)
    unit_heads: dict[str, list[str]] = Field(default_factory=dict)  # unit code → who gets its follow-up list


class PrivacySettings(Section):
    """How long applicants' contact data and the raw replies are kept after their round closes (privacy.py)."""

    retain_days: int = Field(default=90, ge=0)


class CatalogueEntry(Section):
    """A unit or procedure of the configuration: its code, its name, and the other names exports give it."""

    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)  # matched like the name: any case, with or without diacritics

    @field_validator("code")
    @classmethod
    def _code_shape(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", value):
            raise ValueError(
                tr("{value}: mã chỉ gồm chữ không dấu, số, '.', '-' hoặc '_', ví dụ \"QLCN\"", value=repr(value))
            )
        return value

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class UnitSettings(CatalogueEntry):
    """``[[units]]``: a handling unit, with its own target and heads (added to [report] unit_targets, unit_heads)."""

    target: float | None = Field(default=None, gt=0, le=1)  # None: [report] unit_targets, else [report] target
    heads: list[str] = Field(default_factory=list)  # who gets the unit's weekly list of outstanding dossiers


class ProcedureSettings(CatalogueEntry):
    """``[[procedures]]``: an administrative procedure; ``short_name`` stands in for its name in narrow tables."""

    short_name: str = ""


def _distinct_entries(kind: str, entries: list[UnitSettings] | list[ProcedureSettings]) -> None:
    """Each code once, and each name (folded) naming one entry only."""
    codes: set[str] = set()
    named: dict[str, str] = {}
    for entry in entries:
        if entry.code in codes:
            raise ValueError(tr("[[{kind}]]: mã {code} có hai lần", kind=kind, code=repr(entry.code)))
        codes.add(entry.code)
        for name in entry.names:
            other = named.setdefault(fold_words(name), entry.code)
            if other != entry.code:
                raise ValueError(
                    tr("[[{kind}]]: tên “{name}” thuộc cả {other} lẫn {code}", kind=kind, name=name, other=other,
                       code=entry.code)
                )  # fmt: skip


class ReminderSettings(Section):
    days: list[int] = Field(default=[7, 14], max_length=2)  # days after the invitation; at most 2 reminders
    opt_out_keywords: list[str] = ["không nhận", "huỷ nhận", "hủy nhận", "ngừng gửi", "unsubscribe"]

    @field_validator("days")
    @classmethod
    def _increasing(cls, value: list[int]) -> list[int]:
        if any(day <= 0 for day in value) or value != sorted(set(value)):
            raise ValueError(tr("các số ngày dương, tăng dần, ví dụ [7, 14]"))
        return value


class WebSettings(Section):
    """The web app (applicant form, kiosk): ``khaosat web``, started by ``khaosat run`` when enabled.

    Its keys are named in the file by their environment variables, like passwords, and
    resolved once at load: ``secret`` signs the forms' CSRF tokens, ``kiosks`` maps each
    counter device to the key in its kiosk address (a device whose variable is unset is off).
    """

    enabled: bool = False
    base_url: str = ""  # public address of the app, e.g. "https://khaosat.sokhcn.example.gov.vn"; empty: no links
    host: str = "127.0.0.1"  # where uvicorn listens (behind nginx)
    port: int = Field(default=8080, ge=1, le=65535)
    secret_env: str = "KHAOSAT_WEB_SECRET"  # the variable holding the key that signs the forms (CSRF tokens)
    kiosk_keys: dict[str, str] = Field(default_factory=dict)  # counter device name → variable holding its key
    _secret: SecretStr = PrivateAttr(default=SecretStr(""))
    _kiosks: dict[str, SecretStr] = PrivateAttr(default_factory=dict)

    @field_validator("kiosk_keys")
    @classmethod
    def _device_names(cls, value: dict[str, str]) -> dict[str, str]:
        for device in value:
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,31}", device):
                raise ValueError(
                    tr("tên thiết bị {device}: 1–32 ký tự gồm chữ thường không dấu, số hoặc '-'", device=repr(device))
                )
        return value

    @field_validator("base_url")
    @classmethod
    def _public_address(cls, value: str) -> str:
        """An http(s) address with a host, without user, query or fragment; no trailing "/"."""
        value = value.strip().rstrip("/")
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or any(c in value for c in "@?#"):
            raise ValueError(
                tr(
                    "{value}: cần địa chỉ http(s), không có '@', '?', '#'; ví dụ 'https://khaosat.gov.vn'",
                    value=repr(value),
                )
            )
        if len(value) > MAX_BASE_URL:
            raise ValueError(
                tr("{value}: dài quá {limit} ký tự (mã QR của phiếu mang địa chỉ này và mã phiếu)", value=repr(value),
                   limit=MAX_BASE_URL)
            )  # fmt: skip
        return value

    @property
    def secret(self) -> SecretStr:
        return self._secret

    @property
    def kiosks(self) -> dict[str, SecretStr]:
        """Device name → its key, for the devices whose variable is set."""
        return dict(self._kiosks)

    def with_secrets(self, secret: str, kiosks: Mapping[str, str]) -> Self:
        """This section holding ``secret`` and the kiosk keys ``kiosks`` (device → key; empty keys left out)."""
        section = self.model_copy()
        section._secret = SecretStr(secret)
        section._kiosks = {device: SecretStr(key) for device, key in kiosks.items() if key}
        return section


class ScheduleSettings(Section):
    """When the daemon runs each job: minutes between runs (0: never) or a crontab line ("": never)."""

    dossiers_minutes: float = Field(default=5, ge=0)
    dispatch_minutes: float = Field(default=5, ge=0)
    intake_minutes: float = Field(default=5, ge=0)
    reminders_cron: str = "0 9 * * *"
    followup_cron: str = "0 8 * * 1"
    status_cron: str = "0 8 * * 1"
    round_report_cron: str = "30 17 * * *"
    privacy_cron: str = "15 2 * * *"
    misfire_grace_minutes: float = Field(default=30, gt=0)
    # How the daemon notices new files in the drop and scan folders between runs ("off": the schedule only).
    watch_folders: Literal["notify", "poll", "off"] = "notify"

    @field_validator("reminders_cron", "followup_cron", "status_cron", "round_report_cron", "privacy_cron")
    @classmethod
    def _crontab(cls, value: str) -> str:
        """The shape only (five fields); the daemon checks each field when it makes the trigger."""
        if value.strip() and len(value.split()) != CRON_FIELDS:
            raise ValueError(tr("{value}: dòng cron có 5 trường (phút giờ ngày tháng thứ)", value=repr(value)))
        return value.strip()


class Settings(Section):
    organization: OrganizationSettings = OrganizationSettings()
    database: DatabaseSettings = DatabaseSettings()
    storage: StorageSettings = StorageSettings()
    smtp: SmtpSettings = SmtpSettings()
    fax: FaxSettings = FaxSettings()
    dossiers: DossierSettings = DossierSettings()
    survey: SurveySettings = SurveySettings()
    rounds: list[RoundSettings] = Field(default_factory=default_rounds)
    dispatch: DispatchSettings = DispatchSettings()
    imap: ImapSettings = ImapSettings()
    intake: IntakeSettings = IntakeSettings()
    reminders: ReminderSettings = ReminderSettings()
    report: ReportSettings = ReportSettings()
    privacy: PrivacySettings = PrivacySettings()
    schedule: ScheduleSettings = ScheduleSettings()
    web: WebSettings = WebSettings()
    units: list[UnitSettings] = Field(default_factory=list)
    procedures: list[ProcedureSettings] = Field(default_factory=list)

    @model_validator(mode="after")
    def _catalogues_distinct(self) -> Settings:
        _distinct_entries("units", self.units)
        _distinct_entries("procedures", self.procedures)
        return self

    @model_validator(mode="after")
    def _rounds_distinct(self) -> Settings:
        names = [r.name for r in self.rounds]
        if len(set(names)) != len(names):
            raise ValueError(tr("[[rounds]]: tên các đợt phải khác nhau"))
        if not self.rounds:
            raise ValueError(tr("[[rounds]]: cần ít nhất một đợt"))
        return self

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.storage.dir / 'khaosat.db'}"

    @property
    def message_domain(self) -> str:
        """The domain of our Message-IDs: the configured one, else the sender address's."""
        return self.smtp.message_id_domain or self.smtp.from_address.rpartition("@")[2] or "localhost"

    def unit(self, code: str) -> UnitSettings | None:
        """The ``[[units]]`` entry of that code, if the configuration has one."""
        return next((unit for unit in self.units if unit.code == code), None)

    def procedure(self, code: str) -> ProcedureSettings | None:
        """The ``[[procedures]]`` entry of that code, if the configuration has one."""
        return next((procedure for procedure in self.procedures if procedure.code == code), None)

    def target_for(self, unit_code: str) -> float:
        """The unit's own target ([[units]] target), else [report] unit_targets, else [report] target."""
        unit = self.unit(unit_code)
        if unit is not None and unit.target is not None:
            return unit.target
        return self.report.unit_targets.get(unit_code, self.report.target)

    def heads_for(self, unit_code: str) -> list[str]:
        """Who gets the unit's follow-up list: its [[units]] heads and its [report] unit_heads, each once."""
        unit = self.unit(unit_code)
        return list(dict.fromkeys([*(unit.heads if unit else []), *self.report.unit_heads.get(unit_code, [])]))


def unit_reference_warnings(settings: Settings, stored_unit_codes: Collection[str]) -> list[str]:
    """A Vietnamese warning for each unit code a key names that is neither in [[units]] nor in the database.

    Such a key has no effect (a target nobody is measured against, a list nobody is sent), so
    ``khaosat init``, ``khaosat run`` and ``khaosat status`` say so rather than ignore it.
    """
    known = {unit.code for unit in settings.units} | set(stored_unit_codes)
    shown = ", ".join(sorted(known)[:KNOWN_CODES_SHOWN]) + (" …" if len(known) > KNOWN_CODES_SHOWN else "")
    warnings = []
    for key, codes in (("unit_targets", settings.report.unit_targets), ("unit_heads", settings.report.unit_heads)):
        for code in codes:
            if code not in known:
                close = difflib.get_close_matches(code, sorted(known), n=3)
                guess = tr(" Có phải {codes}?", codes=tr(" hay ").join(close)) if close else ""
                warnings.append(
                    tr(
                        "Cảnh báo: [report] {key} nêu đơn vị {code}, nhưng không có đơn vị nào mã {code} "
                        "(trong [[units]] của cấu hình hay trong hồ sơ đã nhập), nên khóa này không có tác dụng. "
                        "Các mã đơn vị đã biết: {known}.{guess}",
                        key=key,
                        code=code,
                        known=shown or tr("chưa có"),
                        guess=guess,
                    )
                )
    return warnings


def apply_env_overrides(data: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """Return ``data`` with every ``KHAOSAT_<SECTION>__<KEY>`` variable applied.

    A value that parses as JSON (a list, a number, true) is taken as such; anything
    else is a string, which pydantic then coerces. Unknown sections or keys are errors.
    """
    merged = {key: dict(value) if isinstance(value, dict) else value for key, value in data.items()}
    for name, raw in sorted(environ.items()):
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX) :].lower().partition("__")
        fields = Settings.model_fields
        if section not in fields or not isinstance(fields[section].default, Section):
            raise ConfigError(tr("{name}: cấu hình không có mục [{section}]", name=name, section=section))
        section_type = type(fields[section].default)
        if key not in section_type.model_fields:
            raise ConfigError(tr("{name}: mục [{section}] không có khóa '{key}'", name=name, section=section, key=key))
        merged.setdefault(section, {})[key] = _parse_env_value(raw)
    return merged


def _parse_env_value(raw: str) -> Any:
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return value if isinstance(value, list | dict | bool | int | float) else raw


def parse_settings(data: dict[str, Any], base_dir: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Validate a configuration mapping; relative paths are taken from ``base_dir``.

    The passwords come from the variables of ``environ`` (the process environment by default).
    """
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        problem = validation_problem(first["type"], first.get("ctx") or {}, first["msg"])
        told = tr("khóa cấu hình '{where}': {problem}", where=where, problem=problem) if where else problem
        raise ConfigError(told) from exc
    settings = _default_reply_to(_anchor_paths(settings, base_dir))
    return _resolve_secrets(settings, os.environ if environ is None else environ)


_PROBLEMS = {
    "extra_forbidden": N_("không có khóa này (xem config.toml mẫu)"),
    "missing": N_("thiếu, phải có"),
    "int_parsing": N_("phải là số nguyên"),
    "int_type": N_("phải là số nguyên"),
    "int_from_float": N_("phải là số nguyên"),
    "float_parsing": N_("phải là số"),
    "float_type": N_("phải là số"),
    "bool_parsing": N_("phải là true hoặc false"),
    "bool_type": N_("phải là true hoặc false"),
    "string_type": N_("phải là chuỗi trong ngoặc kép"),
    "list_type": N_('phải là danh sách, ví dụ ["a", "b"]'),
    "dict_type": N_("phải là bảng, ví dụ { A = 1 }"),
    "model_type": N_("phải là một mục (bảng)"),
    "literal_error": N_("phải là {expected}"),
    "greater_than": N_("phải lớn hơn {gt}"),
    "greater_than_equal": N_("phải từ {ge} trở lên"),
    "less_than": N_("phải nhỏ hơn {lt}"),
    "less_than_equal": N_("phải từ {le} trở xuống"),
    "too_long": N_("nhiều nhất {max_length} phần tử"),
    "too_short": N_("ít nhất {min_length} phần tử"),
    "string_too_short": N_("không được để trống"),
    "string_too_long": N_("dài nhất {max_length} ký tự"),
}
_TOML_PHRASES = (
    (re.compile(r"\(at line (\d+), column (\d+)\)"), r"(dòng \1, cột \2)"),
    (re.compile(r"\(at end of document\)"), "(ở cuối tệp)"),
    (re.compile(r"^Invalid value"), "giá trị không hợp lệ"),
    (re.compile(r"^Cannot overwrite a value"), "khóa này đã có giá trị"),
    (re.compile(r"^Cannot declare (.*) twice"), r"mục \1 khai báo hai lần"),
    (re.compile(r"^Expected '=' after a key in a key/value pair"), "thiếu '=' sau tên khóa"),
    (re.compile(r"^Expected '\]' at the end of a table declaration"), "thiếu ']' cuối tên mục"),
    (re.compile(r"^Illegal character"), "ký tự không được phép"),
)


def validation_problem(kind: str, context: Mapping[str, Any], english: str) -> str:
    """What is wrong with a value, in Vietnamese: pydantic's error type with its context, else its message."""
    if kind == "value_error" and "error" in context:
        return str(context["error"])  # our validators' own (Vietnamese) messages
    template = _PROBLEMS.get(kind)
    if template is None:
        return english
    joining = " or " if current() == "en" else " hoặc "
    values = {key: str(value).replace(" or ", joining) for key, value in context.items()}
    try:
        return tr(template, **values)
    except KeyError:
        return english


def toml_problem(english: str) -> str:
    """tomllib's message with its place and the common mistakes in Vietnamese (others stay as tomllib says)."""
    if current() == "en":
        return english
    for pattern, replacement in _TOML_PHRASES:
        english = pattern.sub(replacement, english)
    return english


def _default_reply_to(settings: Settings) -> Settings:
    """Replies go to the intake mailbox ([imap] address) unless [smtp] reply_to names another address."""
    if settings.smtp.reply_to or not settings.imap.address:
        return settings
    return settings.model_copy(update={"smtp": settings.smtp.model_copy(update={"reply_to": settings.imap.address})})


def _anchor_paths(settings: Settings, base_dir: Path) -> Settings:
    storage_dir = base_dir / settings.storage.dir
    inbox = base_dir / settings.dossiers.inbox_dir
    scans = base_dir / settings.intake.scan_dir
    return settings.model_copy(
        update={
            "storage": settings.storage.model_copy(update={"dir": storage_dir}),
            "dossiers": settings.dossiers.model_copy(update={"inbox_dir": inbox}),
            "intake": settings.intake.model_copy(update={"scan_dir": scans}),
        }
    )


def _resolve_secrets(settings: Settings, environ: Mapping[str, str]) -> Settings:
    smtp, imap, web = settings.smtp, settings.imap, settings.web
    kiosks = {device: resolve_secret(name, environ) for device, name in web.kiosk_keys.items()}
    return settings.model_copy(
        update={
            "smtp": smtp.with_password(resolve_secret(smtp.password_env, environ)),
            "imap": imap.with_password(resolve_secret(imap.password_env, environ)),
            "web": web.with_secrets(resolve_secret(web.secret_env, environ), kiosks),
        }
    )


def load_settings(path: Path | None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the configuration from ``path`` (or ``$KHAOSAT_CONFIG``), then the environment.

    Without any file the defaults apply, anchored in the current directory.
    """
    environ = os.environ if environ is None else environ
    if path is None and environ.get(CONFIG_ENV):
        path = Path(environ[CONFIG_ENV])
    data: dict[str, Any] = {}
    base_dir = Path.cwd()
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(tr("không tìm thấy tệp cấu hình: {path}", path=path)) from exc
        except tomllib.TOMLDecodeError as exc:
            problem = toml_problem(str(exc))
            raise ConfigError(tr("{path}: không phải TOML hợp lệ: {problem}", path=path, problem=problem)) from exc
        base_dir = path.resolve().parent
    return parse_settings(with_language_override(apply_env_overrides(data, environ), environ), base_dir, environ)


def with_language_override(data: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """``KHAOSAT_LANG`` (``en``, ``en_US.UTF-8``, ``vi``) over ``[organization] language``, as the CLI reads it."""
    wanted = language_named(environ.get(LANGUAGE_ENV, ""))
    if wanted:
        data = {**data, "organization": {**data.get("organization", {}), "language": wanted}}
    return data


def resolve_secret(env_name: str, environ: Mapping[str, str]) -> str:
    """The secret held by the environment variable ``env_name`` of ``environ`` ("" when unset)."""
    return environ.get(env_name, "") if env_name else ""
