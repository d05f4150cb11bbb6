"""Poison files made on the spot, small on disk, huge once opened (issue 14).

Shared by the intake tests and ``bench/poison.py``. Each is written directly (PNG chunks,
PDF objects, MIME text, a zip stream) so that making one costs milliseconds and no memory
of the size it unpacks to.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from email.message import EmailMessage

from sqlalchemy.engine import Engine
from sqlmodel import Session

from khaosat.demo.replies import fill_on_screen
from khaosat.settings import Settings
from khaosat.survey.render import context_from_settings, ensure_layout, renderer_for
from khaosat.survey.surveys import ensure_survey

from ..support.factories import add_dossier, local_today

ROWS_PER_BLOCK = 100  # PNG rows compressed once and repeated
MIB = 1024 * 1024
GOOD_ANSWERS = {"B1_1": "5", "D1": "4"}


def huge_png(side: int) -> bytes:
    """A white 1-bit PNG of ``side``×``side`` pixels (15000 → 46 KB, 30000 → 150 KB)."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\xff" * -(-side // 8)  # filter byte "none", then white pixels
    rows, rest = divmod(side, ROWS_PER_BLOCK)
    block, last = row * ROWS_PER_BLOCK, row * rest
    checksum = zlib.adler32(last, _repeated(zlib.adler32, block, rows, 1))
    data = b"\x78\xda" + _deflate_repeated(block, rows, last) + struct.pack(">I", checksum)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def _deflate_repeated(block: bytes, times: int, last: bytes = b"") -> bytes:
    """Raw deflate of ``block`` × ``times`` + ``last``, compressing ``block`` only once: after a
    full flush the compressor forgets what it saw, so the same input gives the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    return repeated * times + compressor.compress(last) + compressor.flush()


def _repeated(checksum: Callable[[bytes, int], int], block: bytes, times: int, start: int) -> int:
    value = start
    for _ in range(times):
        value = checksum(block, value)
    return value


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pdf(pages: int, width_pt: float, height_pt: float, content: bytes = b"") -> bytes:
    """A PDF of ``pages`` pages of that size, all drawing the one content stream ``content``."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + n) for n in range(pages)) + b"] /Count %d >>" % pages,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents 3 0 R >>" % (width_pt, height_pt)
    objects += [page] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def huge_page_pdf(inches: float = 200.0) -> bytes:
    """One blank page of ``inches``×``inches`` (the 435-byte PDF of the issue)."""
    return pdf(1, inches * 72, inches * 72)


def many_pages_pdf(pages: int) -> bytes:
    """An A4 PDF of ``pages`` pages, each with a few lines of drawing (a document, not a blank)."""
    drawing = b"0.5 g 72 700 451 20 re f 0 g 72 600 m 523 600 l S 72 400 m 523 100 l S"
    return pdf(pages, 595, 842, drawing)


def deep_multipart(depth: int) -> bytes:
    """A message whose body is ``depth`` multipart/mixed parts, one inside the other."""
    head = "From: nguoidan@example.vn\r\nTo: phieu@skhcn.example.gov.vn\r\nSubject: Phiếu\r\nMIME-Version: 1.0\r\n"
    opening = "".join(f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n' for n in range(depth))
    closing = "".join(f"\r\n--b{n}--\r\n" for n in reversed(range(depth)))
    return (head + opening + "Content-Type: text/plain\r\n\r\nxin gửi phiếu" + closing).encode()


def zip_of_zeros(mib: int, name: str = "phieu.pdf") -> bytes:
    """A zip holding one file of ``mib`` MiB of zeros (256 MiB → 260 KB)."""
    block = bytes(MIB)
    packed = _deflate_repeated(block, mib)
    crc = _repeated(zlib.crc32, block, mib, 0)
    sizes = struct.pack("<III", crc, len(packed), mib * MIB)
    encoded = name.encode()
    local = b"PK\x03\x04" + struct.pack("<HHHHH", 20, 0, 8, 0, 0) + sizes + struct.pack("<HH", len(encoded), 0)
    central = (
        b"PK\x01\x02"
        + struct.pack("<HHHHHH", 20, 20, 0, 8, 0, 0)
        + sizes
        + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, 0)
        + encoded
    )
    body = local + encoded + packed
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central), len(body), 0)
    return body + central + end


def message_with(attachment: bytes, filename: str, subtype: str = "zip") -> bytes:
    """A reply carrying ``attachment``."""
    message = EmailMessage()
    message["From"] = "nguoidan@example.vn"
    message["To"] = "phieu@skhcn.example.gov.vn"
    message["Subject"] = "Gửi lại phiếu khảo sát"
    message.set_content("Tôi gửi phiếu đã điền.")
    message.add_attachment(attachment, maintype="application", subtype=subtype, filename=filename)
    return message.as_bytes()


def filled_form(engine: Engine, settings: Settings, dossier_code: str = "HS-TOT") -> bytes:
    """The good reply behind the poison: a new survey's form, filled on screen."""
    renderer = renderer_for(settings.survey.questionnaire)
    with Session(engine) as session:
        dossier = add_dossier(session, dossier_code, received_on=local_today(settings), email="tot@example.vn")
        survey = ensure_survey(session, dossier, settings=settings, form_version=renderer.version)
        ensure_layout(session, renderer)
        session.commit()
        context = context_from_settings(settings, survey_code=survey.code, dossier_code=dossier_code)
    return fill_on_screen(renderer.render(context), GOOD_ANSWERS)
