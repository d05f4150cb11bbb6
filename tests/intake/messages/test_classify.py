"""intake.classify: every fixture classified exactly, and a real reply is never lost."""

from __future__ import annotations

import unicodedata
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest

from khaosat.intake.messages.classify import Classification, MessageKind, classify

from ...support.paths import FIXTURES

MAIL = FIXTURES / "mail"
GATEWAY = "{number}@fax.example.vn"
OURS = "sokhcn.example.gov.vn"


def ours(hex_id: str) -> str:
    return f"<khaosat.{hex_id}@{OURS}>"


# file: (kind, permanent, failed recipients, first original Message-ID or None, survey codes)
EXPECTED: dict[str, tuple[str, bool, tuple[str, ...], str | None, tuple[str, ...]]] = {
    "dsn_01.eml": ("bounce", True, ("userx@example.com",), "<F1218V8zDv60gxapzha000001ae@hotmail.com>", ()),
    "dsn_05.eml": ("bounce", False, ("userx@example.cz",), None, ()),
    "dsn_10.eml": ("bounce", True, ("anne.person@dom.ain",), "<200210211625.12753.b.a.dude@example.com>", ()),
    "dsn_11.eml": (
        "bounce",
        True,
        ("joem@example.com",),
        "<mailman.0.1035637201.19036.mailman-developers@python.org>",
        (),
    ),
    "dsn_13.eml": ("bounce", True, ("userx@example.com",), "<mailman.8262.1143060203.1568.wed_ride@grizz.org>", ()),
    "dsn_17.eml": (
        "bounce",
        False,
        ("userx@example.fi",),
        "<mailman.150418.1209869464.31038.pray4-team@strategicnetwork.org>",
        (),
    ),
    "dumbass_01.eml": ("bounce", True, (), "<927suu$r5l$1@panix2.panix.com>", ()),
    "exim_01.eml": ("bounce", True, ("userx@its.example.nl",), "<19990920022322.A19735@stereo.rotzorg.org>", ()),
    "groupwise_03.eml": ("reply", False, (), "<1456018944.242038011550903.872471708902354@mercurio>", ()),
    "microsoft_01.eml": ("bounce", True, ("userx@example.com",), None, ()),
    "postfix_02.eml": (
        "bounce",
        True,
        ("yyyyy@digicool.com",),
        "<14915.64162.965657.699956@anthem.concentric.net>",
        (),
    ),
    "qmail_01.eml": ("bounce", True, ("userx@example.de",), None, ()),
    "qmail_08.eml": ("autoreply", False, (), None, ()),
    "sendmail_01.eml": ("bounce", True, ("zzzzz@nfg.nl", "zzzzz@shaft.coal.nl"), None, ()),
    "simple_03.eml": ("bounce", False, ("userx@example.za",), None, ()),
    "simple_17.eml": ("bounce", True, ("userx@example.com",), None, ()),
    "simple_28.eml": ("bounce", False, ("userx@example.com",), None, ()),
    "simple_38.eml": ("bounce", True, ("userx@example.com",), "<2ee7df1322121930966bcc2318379726@localhost>", ()),
    "smtp32_01.eml": ("bounce", True, ("userx@example.ph",), None, ()),
    "yahoo_13.eml": (
        "bounce",
        True,
        ("bogus-address@example.net",),
        "<130907fb-848c-d154-8e59-ed1e08319fcf@yahoo.com>",
        (),
    ),
    "gmail_dsn_failure.eml": (
        "bounce",
        True,
        ("nguyenvana.hoso@gmail.com",),
        ours("4a2155623aecfecc7ae5cd45"),
        ("839RDBW5",),
    ),
    "exchange_online_ndr.eml": (
        "bounce",
        True,
        ("tran.thi.b@congtyabc.example.vn",),
        ours("142d0770dcec9bc1cb7ce40b"),
        ("X6RN7SYN",),
    ),
    "postfix_delayed.eml": (
        "bounce",
        False,
        ("phongkehoach@vnpt-hcm.example.vn",),
        ours("82ecb56102d16f626f215f6a"),
        ("PB7FK39F",),
    ),
    "outlook_ooo_vi.eml": ("autoreply", False, (), ours("9c0e1d2f3a4b5c6d7e8f9a0b"), ()),
    "gmail_vacation.eml": ("autoreply", False, (), ours("0b1c2d3e4f5a6b7c8d9e0f1a"), ()),
    "autoreply_autosubmitted.eml": ("autoreply", False, (), ours("1f2e3d4c5b6a79881726354a"), ()),
    "reply_pdf_precedence_bulk.eml": ("reply", False, (), ours("4a2155623aecfecc7ae5cd45"), ()),
    "scan_to_email_auto.eml": ("reply", False, (), None, ()),
    "fax_delivered.eml": ("fax-report", False, (), ours("5d6e7f8091a2b3c4d5e6f708"), ()),
    "fax_failed.eml": ("fax-report", False, (), None, ()),
    "fax_delivered_vi.eml": ("fax-report", False, (), None, ()),
    "fax_failed_vi.eml": ("fax-report", False, (), None, ()),
    "fax_received.eml": ("reply", False, (), None, ()),
}

FAX: dict[str, tuple[str, str]] = {
    "fax_delivered.eml": ("delivered", "02633822111"),
    "fax_failed.eml": ("failed", "02513845678"),
    "fax_delivered_vi.eml": ("delivered", "+842513845679"),
    "fax_failed_vi.eml": ("failed", "02633822999"),
}


def read(name: str) -> bytes:
    return (MAIL / name).read_bytes()


def test_every_fixture_has_an_expectation() -> None:
    """No fixture sits in the folder untested."""
    assert {path.name for path in MAIL.glob("*.eml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_classified_exactly(name: str) -> None:
    """Kind, permanence, failed recipients, the original Message-ID and survey codes."""
    kind, permanent, recipients, first_id, codes = EXPECTED[name]
    found = classify(read(name), fax_gateway=GATEWAY)
    assert (found.kind, found.permanent, found.failed_recipients, found.survey_codes) == (
        kind,
        permanent,
        recipients,
        codes,
    )
    assert (found.original_message_ids[0] if found.original_message_ids else None) == first_id
    if kind != "reply":
        assert found.reason


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_parsed_message_gives_the_same_answer(name: str) -> None:
    """A message parsed with the modern policy (as the intake does) classifies like its bytes."""
    parsed = BytesParser(policy=policy.default).parsebytes(read(name))
    assert isinstance(parsed, EmailMessage)
    assert classify(parsed, fax_gateway=GATEWAY) == classify(read(name), fax_gateway=GATEWAY)


@pytest.mark.parametrize("name", sorted(FAX))
def test_fax_reports(name: str) -> None:
    """Fax gateway reports give the status and the number."""
    found = classify(read(name), fax_gateway=GATEWAY)
    assert (found.fax_status, found.fax_number) == FAX[name]
    assert found.reason.startswith("Báo cáo fax: ")


def test_fax_report_needs_the_gateway_configured() -> None:
    """Without a gateway a report is not a fax report: automatic (Auto-Submitted) or a reply."""
    assert classify(read("fax_failed.eml")).kind == "autoreply"
    assert classify(read("fax_failed_vi.eml")).kind == "reply"


def test_bounce_reasons_in_vietnamese() -> None:
    """Reasons name the problem and the status code."""
    assert classify(read("gmail_dsn_failure.eml")).reason == "Thư trả về: địa chỉ không tồn tại (5.1.1)"
    delayed = classify(read("postfix_delayed.eml")).reason
    assert delayed == "Thư chậm chuyển, máy chủ sẽ thử lại: không kết nối được máy chủ nhận (4.4.1)"


def test_our_domain_keeps_only_our_message_ids() -> None:
    """With our_domain, IDs of other domains (References of strangers) are left out."""
    found = classify(read("gmail_dsn_failure.eml"), our_domain=OURS)
    assert found.original_message_ids == (ours("4a2155623aecfecc7ae5cd45"),)
    assert classify(read("dsn_10.eml"), our_domain=OURS).original_message_ids == ()


def test_returned_pdf_does_not_make_a_bounce_a_reply() -> None:
    """Our own form inside the returned original is not an attachment of the bounce."""
    assert b"application/pdf" in read("gmail_dsn_failure.eml")
    assert classify(read("gmail_dsn_failure.eml")).kind == "bounce"


# --- never lose a real reply ----------------------------------------------------------------


def message(headers: dict[str, str], *, attachment: tuple[str, bytes] | None = None, body: str = "Xin chào") -> bytes:
    msg = EmailMessage()
    msg["From"] = "nguoidan@example.vn"
    msg["To"] = f"khaosat@{OURS}"
    for name, value in headers.items():
        msg[name] = value
    msg.set_content(body)
    if attachment is not None:
        kind, data = attachment
        maintype, subtype = kind.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename="phieu")
    return msg.as_bytes()


PDF = ("application/pdf", b"%PDF-1.7\n%%EOF\n")
JPEG = ("image/jpeg", b"\xff\xd8\xff\xe0" + bytes(50000))
AUTO_SIGNS = [
    {"Subject": "Trả lời tự động: Phiếu khảo sát"},
    {"Subject": "Automatic reply: Phiếu khảo sát"},
    {"Subject": "Re: phiếu", "Auto-Submitted": "auto-replied"},
    {"Subject": "Re: phiếu", "X-Autoreply": "yes"},
    {"Subject": "Re: phiếu", "Precedence": "auto_reply"},
    {"Subject": "Re: phiếu", "Precedence": "bulk", "X-Auto-Response-Suppress": "All"},
]


@pytest.mark.parametrize("headers", AUTO_SIGNS)
def test_auto_signs_alone_make_an_autoreply(headers: dict[str, str]) -> None:
    """Each sign (or pair of weak signs) without a file is an automatic reply."""
    assert classify(message(headers)).kind == "autoreply"


@pytest.mark.parametrize("headers", AUTO_SIGNS)
@pytest.mark.parametrize("attachment", [PDF, JPEG, ("image/tiff", b"II*\x00" + bytes(100))])
def test_auto_signs_with_a_file_stay_a_reply(headers: dict[str, str], attachment: tuple[str, bytes]) -> None:
    """A PDF, photo or TIFF attached outranks every automatic sign."""
    found = classify(message(headers, attachment=attachment))
    assert found.kind == "reply"
    assert found.reason.startswith("Có tệp đính kèm")


@pytest.mark.parametrize(
    "subject",
    ["Vắng mặt: Phiếu khảo sát", "VANG MAT", "Tôi đang nghỉ phép", "tra loi tu dong", "Out of Office: x", "Auto: y"],
)
def test_out_of_office_subjects_with_and_without_diacritics(subject: str) -> None:
    """Vietnamese and English out-of-office subjects, any case, with or without marks."""
    assert classify(message({"Subject": subject})).kind == "autoreply"


def test_decomposed_vietnamese_subject_is_recognised() -> None:
    """A subject in NFD (decomposed marks) reads like its NFC form."""
    subject = unicodedata.normalize("NFD", "Thư trả lời tự động")
    assert classify(message({"Subject": subject})).kind == "autoreply"


@pytest.mark.parametrize(
    "headers",
    [
        {"Subject": "Re: Phiếu khảo sát", "Precedence": "bulk"},
        {"Subject": "Re: Phiếu khảo sát", "X-Auto-Response-Suppress": "All"},
        {"Subject": "Re: Phiếu khảo sát", "Auto-Submitted": "no"},
        {"Subject": "Gửi lại phiếu - Garage Auto: Minh Phát"},
    ],
)
def test_one_weak_sign_is_a_reply(headers: dict[str, str]) -> None:
    """A single weak sign, or "Auto:" inside a subject, does not make an automatic reply."""
    assert classify(message(headers)).kind == "reply"


def test_person_quoting_a_bounce_is_a_reply() -> None:
    """Bounce words in a person's message do not make it a bounce."""
    body = "Tôi nhận được thư báo:\nThe following address(es) failed:\n\n  userx@example.com\n"
    assert classify(message({"Subject": "Re: Phiếu khảo sát"}, body=body)).kind == "reply"


def test_bounce_with_a_form_outside_the_returned_original_is_a_reply() -> None:
    """A daemon-looking message carrying its own PDF is read, not dropped."""
    raw = message(
        {"Subject": "Undelivered Mail Returned to Sender", "X-Failed-Recipients": "a@example.vn"}, attachment=PDF
    )
    raw = raw.replace(b"From: nguoidan@example.vn", b"From: MAILER-DAEMON@example.vn")
    assert classify(raw).kind == "reply"


def test_small_inline_logo_does_not_block_an_autoreply_but_a_photo_does() -> None:
    """A signature logo inside multipart/related is decoration; a photographed form is not."""
    for size, kind in ((2000, "autoreply"), (200_000, "reply")):
        msg = EmailMessage()
        msg["From"], msg["Subject"] = "a@example.vn", "Automatic reply: phiếu"
        msg.set_content("Tôi vắng mặt")
        msg.add_alternative('<p>Tôi vắng mặt <img src="cid:logo"></p>', subtype="html")
        html_part = msg.get_payload()[1]
        html_part.add_related(b"\x89PNG" + bytes(size), maintype="image", subtype="png", cid="<logo>")
        assert classify(msg.as_bytes()).kind == kind


def test_plain_reply() -> None:
    """Everything else is a reply, with its In-Reply-To first among the IDs."""
    raw = message({"Subject": "Re: Phiếu", "In-Reply-To": ours("aa"), "References": f"<x@y> {ours('aa')}"})
    assert classify(raw) == Classification("reply", original_message_ids=(ours("aa"), "<x@y>"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_kind_is_a_message_kind(name: str) -> None:
    """Kinds are MessageKind members, whose values are the strings stored and shown."""
    kind = classify(read(name), fax_gateway=GATEWAY).kind
    assert isinstance(kind, MessageKind) and kind.value == EXPECTED[name][0]
    assert {k.value for k in MessageKind} == {"reply", "bounce", "autoreply", "fax-report"}
