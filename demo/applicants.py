"""The demo's applicants: who answers the form they were sent, what they answer, and how.

About 85% answer, mostly satisfied, leaving a few questions blank. Most of those reached by
email fill the PDF on screen and reply from their phone (Apple Mail); some of them, and
everyone reached by fax or by post, print it, cross it with a pen and hand it in (a staff
member scans it into the scan folder). The first address bounces; the second applicant is
on holiday. Everything lands in the scan folder as the intake would find it in a mailbox:
replies as .eml files, paper as JPEG scans. A seed (``random.Random``) fixes who does what.
"""

from __future__ import annotations

import email
import email.policy
import random
from email.message import EmailMessage
from pathlib import Path

from ..survey.layout import LayoutMap
from .hand import cross_answers, render_pages
from .replies import apple_mail_reply, bounce, fill_on_screen, out_of_office
from .scanners import scan_askew

SCAN_DPI = 200


def choose_answers(layout: LayoutMap, rng: random.Random) -> dict[str, str]:
    """A plausible applicant: mostly satisfied, a few blanks."""
    answers: dict[str, str] = {}
    for page in layout.pages:
        for box in page.boxes:
            answers.setdefault(box.question, "")
    for question in answers:
        values = [box.value for _, box in layout.boxes_of(question)]
        ratings = [value for value in values if value in {"4", "5"}]
        answers[question] = rng.choice(ratings) if ratings and rng.random() < 0.8 else rng.choice(values)
    return {question: value for question, value in answers.items() if rng.random() > 0.05}


def paper_scan(pdf: bytes, layout: LayoutMap, answers: dict[str, str], rng: random.Random) -> bytes:
    """The first page printed, crossed with a pen, scanned slightly askew as a JPEG."""
    page = render_pages(pdf, SCAN_DPI)[0]
    cross_answers(page, layout, layout.pages[0], answers)
    return scan_askew(page, rng.uniform(-1.5, 1.5), SCAN_DPI)


def write_replies(
    mailboxes: Path, scan_dir: Path, layout: LayoutMap, *, paper_forms: list[bytes], share: float = 0.85, seed: int = 7
) -> dict[str, int]:
    """Answer the forms in ``mailboxes`` and the ``paper_forms`` sent by post into
    ``scan_dir``; returns how many of each kind."""
    rng = random.Random(seed)
    counts = {"pdf": 0, "paper": 0, "bounce": 0, "autoreply": 0}
    sent = sorted(mailboxes.glob("*.eml"))
    total = len(sent) + len(paper_forms)
    answering = set(rng.sample(range(total), round(share * total)))
    for index, pdf in enumerate(paper_forms, start=len(sent)):
        if index in answering:
            scan = paper_scan(pdf, layout, choose_answers(layout, rng), rng)
            (scan_dir / f"post-{index:03d}.jpg").write_bytes(scan)
            counts["paper"] += 1
    for index, path in enumerate(sent):
        original = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(original, EmailMessage)
        [attachment] = list(original.iter_attachments())
        pdf, sender = attachment.get_content(), str(original["To"])
        if index == 0:
            (scan_dir / "bounce.eml").write_bytes(bounce(original))
            counts["bounce"] += 1
            continue
        if index == 1:
            (scan_dir / "auto-reply.eml").write_bytes(out_of_office(original, sender))
            counts["autoreply"] += 1
        if index not in answering:
            continue
        answers = choose_answers(layout, rng)
        if "@fax." in sender or rng.random() < 0.15:
            (scan_dir / f"scan-{index:03d}.jpg").write_bytes(paper_scan(pdf, layout, answers, rng))
            counts["paper"] += 1
        else:
            filled = fill_on_screen(pdf, answers)
            (scan_dir / f"reply-{index:03d}.eml").write_bytes(apple_mail_reply(original, filled, sender))
            counts["pdf"] += 1
    return counts
