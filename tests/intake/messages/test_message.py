"""The one message reader: headers, sender, body text and files of real-world mail.

Where the two former readers (mime.py and msgparts.py) disagreed, the tests below say what
real mail needs: decoded, unfolded NFC headers; every plain part of the message's own; HTML
as the text a browser shows; charsets that lie or are missing; files in document order
without signature logos; zips opened within limits.
"""

from __future__ import annotations

import base64
import io
import unicodedata
import zipfile
from email.message import EmailMessage
from urllib.parse import quote

from khaosat.intake.messages.message import (
    MAX_NESTING,
    MAX_ZIP_MEMBERS,
    attachments,
    body_text,
    decode_text,
    header_text,
    header_values,
    message_ids,
    parse_message,
    possible_forms,
    sender,
)

PDF = b"%PDF-1.7\n%fake\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
TIFF = b"II*\x00" + b"\x00" * 16


def forwarded_message() -> bytes:
    inner = EmailMessage()
    inner["From"] = "nguoidan@example.com"
    inner["Subject"] = "Phiếu khảo sát"
    inner.set_content("Gửi lại phiếu.")
    inner.add_attachment(TIFF, maintype="image", subtype="tiff", filename="fax.tif")
    outer = EmailMessage()
    outer["From"] = "canbo@example.gov.vn"
    outer["Subject"] = "Fwd: Phiếu khảo sát"
    outer.set_content("Chuyển tiếp phiếu quét.")
    outer.add_attachment(PDF, maintype="application", subtype="octet-stream", filename="scan.bin")
    outer.add_attachment(inner)
    return outer.as_bytes()


def test_attachments_include_forwarded_ones_and_sniff_kinds() -> None:
    found = attachments(forwarded_message())
    assert [(a.name, a.kind) for a in found] == [("scan.bin", "pdf"), ("fax.tif", "tiff")]
    assert found[0].data == PDF


def test_zip_members_are_attachments() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("a.png", PNG)
        bundle.writestr("notes.txt", b"hello")
    message = EmailMessage()
    message.set_content("xem tệp nén")
    message.add_attachment(buffer.getvalue(), maintype="application", subtype="zip", filename="phieu.zip")
    found = attachments(message.as_bytes())
    assert [(a.name, a.kind) for a in found] == [("phieu.zip/a.png", "png"), ("phieu.zip/notes.txt", None)]


def test_a_message_without_attachments_has_none() -> None:
    message = EmailMessage()
    message.set_content("chỉ có chữ")
    message.add_alternative("<p>chỉ có chữ</p>", subtype="html")
    assert attachments(message.as_bytes()) == []


PHIEU = "Phiếu khảo sát"
NFD = unicodedata.normalize("NFD", PHIEU)


def cp1258(text: str) -> bytes:
    """``text`` as Vietnamese Windows writes it: letters composed, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        letter = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in tones))
        out += (letter + "".join(ch for ch in decomposed if ch in tones)).encode("cp1258")
    return out


def raw(headers: bytes, body: bytes = b"x") -> bytes:
    return headers.replace(b"\n", b"\r\n") + b"\r\n\r\n" + body


def test_a_folded_header_is_unfolded() -> None:
    """mime kept the CRLF of a folded Subject; the subject is one line."""
    message = parse_message(raw(b"Subject: Phieu khao sat\n  ma ABCD-1234"))
    assert header_text(message, "Subject") == "Phieu khao sat ma ABCD-1234"


def test_an_encoded_decomposed_subject_comes_back_composed() -> None:
    """mime returned the NFD text Apple Mail encodes; headers are NFC."""
    word = base64.b64encode(NFD.encode()).decode()
    subject = header_text(parse_message(raw(f"Subject: =?utf-8?b?{word}?=".encode())), "Subject")
    assert subject == PHIEU and subject == unicodedata.normalize("NFC", subject)


def test_raw_8bit_headers_are_read_as_utf8_or_cp1258() -> None:
    """Both readers gave U+FFFD for an unencoded UTF-8 (RFC 6532) or cp1258 header."""
    assert header_text(parse_message(raw(f"Subject: Re: {PHIEU}".encode())), "Subject") == f"Re: {PHIEU}"
    assert header_text(parse_message(raw(b"Subject: " + cp1258(PHIEU))), "Subject") == PHIEU


def test_encoded_words_in_cp1258_or_an_unknown_charset() -> None:
    """windows-1258 words are composed; a charset Python does not know falls back, not left raw."""
    assert header_text(parse_message(raw(b"Subject: =?windows-1258?q?Phi=EA=ECu?=")), "Subject") == "Phiếu"
    unknown = raw(b"Subject: =?x-viet-vni?q?" + b"Phi=C3=AA=CC=81u" + b"?=")
    assert header_text(parse_message(unknown), "Subject") == "Phiếu"


def test_header_values_keep_every_value_unfolded() -> None:
    message = parse_message(raw(b"References: <a@x>\n <b@x>\nReferences: <c@x>"))
    assert header_values(message, "References") == ["<a@x> <b@x>", "<c@x>"]


def test_the_sender_name_is_decoded() -> None:
    """msgparts gave the display name still RFC 2047-encoded; it is decoded and NFC."""
    word = base64.b64encode("Nguyễn Văn A".encode()).decode()
    message = parse_message(raw(f"From: =?utf-8?b?{word}?= <NguyenVanA@Example.COM>".encode()))
    assert sender(message) == ("Nguyễn Văn A", "nguyenvana@example.com")
    assert sender(parse_message(raw(b"To: x@y"))) == ("", "")


def test_message_ids_need_an_at_sign() -> None:
    """matching.message_ids took any <...>: an HTML tag or a link is no Message-ID."""
    text = "<b>xem</b> <https://example.vn> <khaosat.ab12@so.gov.vn> <x@y>"
    assert message_ids(text) == ("<khaosat.ab12@so.gov.vn>", "<x@y>")


def test_every_plain_part_of_the_message_is_the_body() -> None:
    """mime took the first text/plain part only; Apple Mail splits the text around a file."""
    message = EmailMessage()
    message.make_mixed()
    for text in ("Tôi gửi phiếu.", "Mã ABCD-1234"):
        part = EmailMessage()
        part.set_content(text)
        message.attach(part)
    assert body_text(parse_message(message)).split("\n")[0::2] == ["Tôi gửi phiếu.", "Mã ABCD-1234"]


def test_html_only_reads_as_the_text_a_browser_shows() -> None:
    """mime returned raw HTML; styles and scripts are dropped, blocks are lines, entities read."""
    message = EmailMessage()
    message.set_content(
        "<html><head><style>p { font-family: Arial }</style></head><body>"
        "<div>KH&Ocirc;NG NH\u1eacN</div><div><br></div><p>Phi<b>ếu</b> &amp; thư</p>"
        "<script>alert(1)</script></body></html>",
        subtype="html",
    )
    assert body_text(parse_message(message)) == "KHÔNG NHẬN\nPhiếu & thư"


def test_the_body_leaves_out_a_returned_original() -> None:
    """mime walked into the original a bounce returns (our invitation, with its code)."""
    original = EmailMessage()
    original.set_content("Mã phiếu của ông/bà: ABCD-1234")
    report = EmailMessage()
    report.add_attachment(original)  # the returned original is the report's only part
    assert body_text(parse_message(report.as_bytes())) == ""


def test_charsets_that_lie_or_are_missing() -> None:
    """A us-ascii label on UTF-8, no label on cp1258, an unknown label: all read, all NFC."""
    assert decode_text(PHIEU.encode(), "us-ascii") == PHIEU
    assert decode_text(cp1258(PHIEU)) == PHIEU
    assert decode_text(cp1258(PHIEU), "utf-8") == PHIEU
    assert decode_text(PHIEU.encode(), "x-unknown") == PHIEU
    assert decode_text(NFD.encode("utf-8"), "utf-8") == PHIEU
    assert decode_text(base64.b64encode(b"x"), "base64") == "eA=="  # never a bytes codec
    assert decode_text(b"\xff ok", "undefined") == decode_text(b"\xff ok", "idna") == "ÿ ok"  # as cp1258
    assert decode_text(b"caf\xe9", "iso-8859-1") == "café"


def test_a_body_part_in_cp1258_without_a_charset() -> None:
    message = raw(b"Content-Type: text/plain\nContent-Transfer-Encoding: 8bit", cp1258("Tôi không nhận"))
    assert body_text(parse_message(message)) == "Tôi không nhận"


def test_a_cut_part_drops_a_split_character_rather_than_guessing_cp1258() -> None:
    data = PHIEU.encode()
    assert decode_text(data[:5], "utf-8", final=False) == "Phi"


def test_a_huge_text_part_is_read_within_the_limit() -> None:
    message = EmailMessage()
    message.set_content("Tôi gửi phiếu. " * 400_000)  # 6 MB
    text = body_text(parse_message(message.as_bytes()), limit=1000)
    assert len(text) == 1000 and text.startswith("Tôi gửi phiếu.")


def test_a_small_inline_logo_is_no_attachment() -> None:
    """mime made a signature logo an attachment (and so blocked an opt-out); a photo stays."""
    message = EmailMessage()
    message.set_content("KHÔNG NHẬN")
    message.add_alternative('<p>KHÔNG NHẬN <img src="cid:logo"></p>', subtype="html")
    html_part = message.get_payload()[1]
    html_part.add_related(PNG, maintype="image", subtype="png", cid="<logo>")
    assert attachments(message.as_bytes()) == []
    photo = PNG + bytes(64 * 1024)
    html_part.add_related(photo, maintype="image", subtype="png", cid="<photo>")
    assert [a.data for a in attachments(message.as_bytes())] == [photo]


def test_files_come_in_the_order_of_the_message() -> None:
    """msgparts listed a parent's files before those of a nested part."""
    inner = EmailMessage()
    inner.make_mixed()
    first = EmailMessage()
    first.set_content(PDF, maintype="application", subtype="pdf", disposition="attachment", filename="1.pdf")
    inner.attach(first)
    outer = EmailMessage()
    outer.make_mixed()
    outer.attach(inner)
    second = EmailMessage()
    second.set_content(TIFF, maintype="image", subtype="tiff", disposition="attachment", filename="2.tif")
    outer.attach(second)
    parsed = parse_message(outer.as_bytes())
    assert [part.get_filename() for part in possible_forms(parsed)] == ["1.pdf", "2.tif"]
    assert [a.name for a in attachments(parsed)] == ["1.pdf", "2.tif"]


def test_an_empty_file_is_neither_a_possible_form_nor_an_attachment() -> None:
    """msgparts counted a zero-byte file as a possible form; mime skipped it."""
    message = EmailMessage()
    message.set_content("Trả lời tự động")
    message.add_attachment(b"", maintype="application", subtype="pdf", filename="rong.pdf")
    assert possible_forms(parse_message(message)) == [] and attachments(message.as_bytes()) == []


def test_a_returned_original_is_no_possible_form_in_a_bounce() -> None:
    returned = EmailMessage()
    returned.set_content("original")
    returned.add_attachment(PDF, maintype="application", subtype="pdf", filename="phieu.pdf")
    bounce = EmailMessage()
    bounce.set_content("Undeliverable")
    bounce.add_attachment(returned)
    parsed = parse_message(bounce)
    assert possible_forms(parsed, returned_original=True) == []
    assert [part.get_content_type() for part in possible_forms(parsed)] == ["message/rfc822"]


def test_file_names_are_decoded_and_composed() -> None:
    """RFC 2231, RFC 2047 and raw UTF-8 names, decomposed or not, all come back NFC."""
    word = base64.b64encode("Phiếu 2.pdf".encode()).decode()
    dispositions = [
        f"attachment; filename*=utf-8''{quote(NFD)}.pdf",
        f'attachment; filename="=?utf-8?b?{word}?="',
        'attachment; filename="Phiếu 3.pdf"',
    ]
    parts = b"".join(
        raw(f"--b\nContent-Type: application/pdf\nContent-Disposition: {value}".encode(), PDF) + b"\r\n"
        for value in dispositions
    )
    message = raw(b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"', parts + b"--b--\r\n")
    assert [a.name for a in attachments(message)] == [f"{PHIEU}.pdf", "Phiếu 2.pdf", "Phiếu 3.pdf"]


def test_a_zip_member_name_without_the_utf8_flag_is_read_as_cp1258() -> None:
    """Windows writes member names in its own code page: "phiếu.png" comes back, not cp437 noise."""
    wanted = cp1258("phiếu.png")
    placeholder = "x" * (len(wanted) - 4) + ".png"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(placeholder, PNG)
    data = buffer.getvalue().replace(placeholder.encode(), wanted)
    message = EmailMessage()
    message.set_content("tệp nén")
    message.add_attachment(data, maintype="application", subtype="zip", filename="phieu.zip")
    assert [(a.name, a.kind) for a in attachments(message.as_bytes())] == [("phieu.zip/phiếu.png", "png")]


def test_a_zip_past_the_limits_is_kept_whole_for_a_person() -> None:
    """mime dropped the members past its limits without a word; the archive goes to review."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for index in range(MAX_ZIP_MEMBERS + 1):
            bundle.writestr(f"{index}.png", PNG)
    message = EmailMessage()
    message.set_content("nhiều tệp")
    message.add_attachment(buffer.getvalue(), maintype="application", subtype="zip", filename="nhieu.zip")
    assert [(a.name, a.kind) for a in attachments(message.as_bytes())] == [("nhieu.zip", "zip")]


def test_a_broken_zip_is_kept_as_it_is() -> None:
    message = EmailMessage()
    message.set_content("hỏng")
    message.add_attachment(b"PK\x03\x04broken", maintype="application", subtype="zip", filename="hong.zip")
    assert [(a.name, a.kind) for a in attachments(message.as_bytes())] == [("hong.zip", "zip")]


def test_an_eml_file_attachment_is_read_like_a_forwarded_message() -> None:
    inner = EmailMessage()
    inner["From"] = "nguoidan@example.com"
    inner.set_content("phiếu")
    inner.add_attachment(PDF, maintype="application", subtype="pdf", filename="phieu.pdf")
    outer = EmailMessage()
    outer.set_content("xem tệp")
    outer.add_attachment(inner.as_bytes(), maintype="application", subtype="octet-stream", filename="thu.eml")
    assert [(a.name, a.kind) for a in attachments(outer.as_bytes())] == [("phieu.pdf", "pdf")]


def test_forwards_nested_too_deep_are_kept_whole() -> None:
    message = EmailMessage()
    message.set_content("đáy")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="phieu.pdf")
    for _ in range(MAX_NESTING + 1):
        outer = EmailMessage()
        outer.set_content("Fwd")
        outer.add_attachment(message)
        message = outer
    (kept,) = attachments(message.as_bytes())
    assert kept.kind == "eml" and kept.content_type == "message/rfc822"
    assert [a.name for a in attachments(kept.data)] == ["phieu.pdf"]


def test_parse_message_reads_a_policy_default_message_as_compat32() -> None:
    message = EmailMessage()
    message["Subject"] = PHIEU
    message.set_content("x")
    parsed = parse_message(message)
    assert not isinstance(parsed, EmailMessage) and header_text(parsed, "Subject") == PHIEU
