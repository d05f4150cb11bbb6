"""What reading a returned file gives: one result per page, joined into one per form.

Pure data and the pure joining rule. ``ParseResult.to_json`` is the contract of
``khaosat parse FILE --json`` (DESIGN.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..survey.layout import LayoutMap

Method = Literal["acroform", "omr"]


@dataclass
class PageResult:
    """One page of a file as read."""

    index: int  # 0-based page of the file
    page: int | None = None  # the form's own page number (1-based), from the markers
    form_version: str | None = None
    code: str | None = None
    code_read: bool = False  # the QR was read (a blank counter form has no code)
    answers: dict[str, str | None] = field(default_factory=dict)
    uncertain: dict[str, str] = field(default_factory=dict)  # question → reason
    confidence: dict[str, float] = field(default_factory=dict)
    crops: dict[str, bytes] = field(default_factory=dict)  # question / text area / "page" → PNG
    texts: dict[str, str] = field(default_factory=dict)  # text question → what was typed on screen
    errors: list[str] = field(default_factory=list)
    method: Method = "omr"
    grey_kept: int | None = None  # a thresholded 1-bit page: the lightest grey of the wedge it kept black

    @property
    def is_form(self) -> bool:
        return self.page is not None or self.code_read


@dataclass
class FormResult:
    """One returned form: the pages of one survey code joined."""

    page: int  # 1-based page of the file where the form starts
    code: str | None
    form_version: str | None
    method: Method
    pages: list[PageResult] = field(default_factory=list)
    source: str = ""  # the file or attachment the form came from

    @property
    def answers(self) -> dict[str, str | None]:
        return {q: a for page in self.pages for q, a in page.answers.items()}

    @property
    def uncertain(self) -> dict[str, str]:
        return {q: reason for page in self.pages for q, reason in page.uncertain.items()}

    @property
    def texts(self) -> dict[str, str]:
        return {q: text for page in self.pages for q, text in page.texts.items()}

    @property
    def confidence(self) -> dict[str, float]:
        return {q: c for page in self.pages for q, c in page.confidence.items()}

    @property
    def crops(self) -> dict[str, bytes]:
        """Crops by name; whole pages are ``page-<form page>``."""
        crops: dict[str, bytes] = {}
        for page in self.pages:
            for name, data in page.crops.items():
                crops[f"page-{page.page or page.index + 1}" if name == "page" else name] = data
        return crops

    @property
    def nothing_marked(self) -> bool:
        """Every question read, none answered, nothing doubtful, nothing typed: a form returned blank."""
        read = bool(self.answers) and all(answer is None for answer in self.answers.values())
        return read and not self.uncertain and not self.texts

    def questions_by_page(self, layout: LayoutMap | None) -> dict[int, frozenset[str]]:
        """The form pages this form holds, each with its questions ({} when they cannot be told).

        Read by its marks, it holds the pages whose markers were read; filled on screen, the
        whole form, each question on the page ``layout`` (its version's) prints it.
        """
        if self.method == "acroform":
            if layout is None:
                return {}
            return {page.number: frozenset(box.question for box in page.boxes) for page in layout.pages}
        numbered = {
            page.page: frozenset(page.answers.keys() | page.uncertain.keys())
            for page in self.pages
            if page.page is not None
        }
        return numbered if len(numbered) == len(self.pages) else {}

    def to_json(self) -> dict[str, Any]:
        kept = [page.grey_kept for page in self.pages if page.grey_kept is not None]
        return {
            "page": self.page,
            "code": self.code,
            "form_version": self.form_version,
            "answers": self.answers,
            "uncertain": sorted(self.uncertain),
            "method": self.method,
            "comment": "\n".join(self.texts.values()) or None,  # typed on screen, as the intake stores it; paper: None
            "grey_kept": min(kept, default=None),  # the worst of its 1-bit pages (reader/wedge.py); None: grey
        }


@dataclass
class ParseResult:
    file: str
    forms: list[FormResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "forms": [form.to_json() for form in self.forms],
            "errors": list(self.errors),
        }


def join_pages(pages: list[PageResult]) -> list[FormResult]:
    """Forms from the pages of a file, in file order.

    A page joins the latest open form of the same version and code that lacks its page
    number. A page without a code joins only the form just before it, when that form has
    no code either and this page follows its last page (a blank counter form's pages);
    otherwise it stands alone, so a person sees it.
    """
    forms: list[FormResult] = []
    for page in pages:
        if not page.is_form:
            continue
        target = _open_form(forms, page)
        if target is None:
            target = FormResult(page.index + 1, page.code, page.form_version, page.method)
            forms.append(target)
        target.pages.append(page)
    return forms


def _open_form(forms: list[FormResult], page: PageResult) -> FormResult | None:
    if page.page is None:
        return None
    if page.code is not None:
        for form in reversed(forms):
            if _joinable(form, page):
                return form
        return None
    if forms and forms[-1].code is None and _joinable(forms[-1], page):
        last = forms[-1].pages[-1]
        if last.index == page.index - 1 and last.page is not None and last.page < page.page:
            return _codeless_join(forms[-1], page)
    return None


def _codeless_join(form: FormResult, page: PageResult) -> FormResult | None:
    """Join codeless pages only when both QRs were read (a blank counter form)."""
    return form if page.code_read and all(p.code_read for p in form.pages) else None


def _joinable(form: FormResult, page: PageResult) -> bool:
    return (
        form.code == page.code
        and form.form_version == page.form_version
        and form.method == page.method
        and all(existing.page != page.page for existing in form.pages)
    )
