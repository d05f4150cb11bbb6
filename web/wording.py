"""What the pages say, in Vietnamese and in English.

The tables are the interface: headings, buttons, notices and error messages; ``wording(lang)``
falls back on Vietnamese for an unknown language. The questionnaire's own words come from its
data file (as on paper), or from its translation (``survey.questionnaire.Translation``) where
that has them: ``QuestionnaireWording`` gives each piece with the language it is really in, so
a piece left untranslated keeps its Vietnamese and says so (``lang="vi"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..survey.questionnaire import Question, Questionnaire, Section, Translation
from .answers import option_label

LANGUAGES = ("vi", "en")

VI: dict[str, str] = {
    "lang_name": "Tiếng Việt",
    "other_lang": "en",
    "other_lang_name": "English",
    "other_lang_label": "Read this page in English",
    "skip": "Bỏ qua, đến nội dung chính",
    "error_prefix": "Lỗi: ",
    "error_title": "Có lỗi cần sửa",
    "dossier": "Mã hồ sơ",
    "procedure": "Thủ tục",
    "unit": "Đơn vị giải quyết",
    "survey_code": "Mã phiếu",
    "required": "bắt buộc",
    "required_note": "Câu có ghi “bắt buộc” cần được trả lời; các câu khác có thể bỏ trống.",
    "questions_note": "",  # never shown: the questionnaire is written in Vietnamese
    "submit": "Gửi phiếu",
    "submit_change": "Gửi câu trả lời đã sửa",
    "answered_web": "Ông/Bà đã trả lời phiếu này trực tuyến ngày {date}.",
    "answered_paper": "Phiếu này đã được trả lời bằng phiếu giấy ngày {date}.",
    "answered_pdf": "Phiếu này đã được trả lời bằng tệp PDF ngày {date}.",
    "answered_other": "Phiếu này đã được trả lời ngày {date}.",
    "change_note": (
        "Ông/Bà có thể sửa câu trả lời đến hết đợt khảo sát ({deadline}); chỉ lần trả lời mới nhất được tính."
    ),
    "not_shown_note": "Câu trả lời trước không hiện ở đây; nếu gửi lại, phiếu mới sẽ thay phiếu cũ.",
    "error_required": "Chọn một ô cho câu “{question}”",
    "error_option": "Câu “{question}”: lựa chọn không hợp lệ, chọn lại một ô",
    "error_long": "Góp ý dài quá {limit} ký tự: xin rút gọn",
    "error_expired": "Trang đã hết hạn: xin gửi lại phiếu",
    "done_title": "Đã nhận phiếu khảo sát",
    "done_body": "Cảm ơn Ông/Bà đã dành thời gian cho ý kiến. Câu trả lời đã được ghi nhận.",
    "done_change": "Sửa câu trả lời",
    "done_deadline": "Có thể sửa đến hết ngày {deadline}.",
    "your_answers": "Câu trả lời đã ghi nhận",
    "blank": "Bỏ trống",
    "comment": "Góp ý",
    "not_found_title": "Không mở được phiếu khảo sát",
    "not_found_body": (
        "Đường dẫn hoặc mã phiếu không đúng, hoặc đợt khảo sát đã kết thúc. "
        "Xin kiểm tra lại mã in trên phiếu, hoặc liên hệ {organization}."
    ),
    "code_title": "Nhập mã phiếu khảo sát",
    "code_label": "Mã phiếu",
    "code_hint": "8 ký tự in trên phiếu, ví dụ 7KX3-M9QD. Chữ hoa hay thường, có gạch nối hay không đều được.",
    "code_submit": "Mở phiếu",
    "error_code": "Mã phiếu không đúng: kiểm tra lại 8 ký tự in trên phiếu",
    "error_code_missing": "Nhập mã phiếu in trên phiếu",
    "throttled_title": "Thử quá nhiều lần",
    "throttled_body": "Đã nhập mã quá nhiều lần trong một phút. Xin chờ một phút rồi thử lại.",
    "optout_title": "Ngừng nhận thư nhắc",
    "optout_body": "Bấm nút dưới đây nếu Ông/Bà không muốn nhận thêm thư nhắc trả lời phiếu khảo sát này.",
    "optout_submit": "Ngừng nhận thư nhắc",
    "optout_done": "Đã ghi nhận: Ông/Bà sẽ không nhận thêm thư nhắc về phiếu này.",
    "optout_answer": "Ông/Bà vẫn có thể trả lời phiếu",
    "kiosk_title": "Đánh giá sự hài lòng",
    "kiosk_intro": "Xin Ông/Bà cho biết ý kiến về việc giải quyết hồ sơ.",
    "kiosk_label": "Mã phiếu, mã hồ sơ, hoặc quét mã QR trên giấy hẹn",
    "kiosk_hint": "Đưa mã QR vào máy quét, hoặc gõ mã rồi bấm “Bắt đầu”.",
    "kiosk_submit": "Bắt đầu",
    "kiosk_error": "Không tìm thấy phiếu của mã này: kiểm tra lại, hoặc hỏi cán bộ tại quầy",
    "kiosk_thanks": "Cảm ơn Ông/Bà!",
    "kiosk_thanks_body": "Ý kiến của Ông/Bà đã được ghi nhận. Màn hình sẽ trở về trang đầu sau 10 giây.",
    "kiosk_restart": "Về trang đầu",
    "kiosk_cancel": "Hủy, về trang đầu",
}

EN: dict[str, str] = {
    "lang_name": "English",
    "other_lang": "vi",
    "other_lang_name": "Tiếng Việt",
    "other_lang_label": "Xem trang này bằng tiếng Việt",
    "skip": "Skip to main content",
    "error_prefix": "Error: ",
    "error_title": "There is a problem",
    "dossier": "Dossier code",
    "procedure": "Procedure",
    "unit": "Handled by",
    "survey_code": "Survey code",
    "required": "required",
    "required_note": "Questions marked “required” need an answer; you may leave the others blank.",
    "questions_note": "Where a question has no English translation it is shown in Vietnamese, as on the printed form.",
    "submit": "Send the form",
    "submit_change": "Send the changed answers",
    "answered_web": "You answered this survey online on {date}.",
    "answered_paper": "This survey was answered on a paper form on {date}.",
    "answered_pdf": "This survey was answered with the PDF form on {date}.",
    "answered_other": "This survey was answered on {date}.",
    "change_note": "You may change your answers until the round ends ({deadline}); only the latest answers count.",
    "not_shown_note": "Earlier answers are not shown here; answers sent again replace them.",
    "error_required": "Select one box for “{question}”",
    "error_option": "“{question}”: not a valid choice, select one box again",
    "error_long": "The comment is longer than {limit} characters: please shorten it",
    "error_expired": "This page has expired: please send the form again",
    "done_title": "Survey received",
    "done_body": "Thank you for your time. Your answers have been recorded.",
    "done_change": "Change your answers",
    "done_deadline": "You can change them until the end of {deadline}.",
    "your_answers": "Answers recorded",
    "blank": "Blank",
    "comment": "Comment",
    "not_found_title": "This survey cannot be opened",
    "not_found_body": (
        "The link or survey code is not right, or the survey round has ended. "
        "Please check the code printed on the form, or contact {organization}."
    ),
    "code_title": "Enter your survey code",
    "code_label": "Survey code",
    "code_hint": "The 8 characters printed on the form, for example 7KX3-M9QD. Any case, with or without the hyphen.",
    "code_submit": "Open the survey",
    "error_code": "That survey code is not right: check the 8 characters printed on the form",
    "error_code_missing": "Enter the survey code printed on the form",
    "throttled_title": "Too many tries",
    "throttled_body": "A code was entered too many times in one minute. Please wait a minute and try again.",
    "optout_title": "Stop reminders",
    "optout_body": "Press the button below if you do not want any more reminders about this survey.",
    "optout_submit": "Stop reminders",
    "optout_done": "Done: you will get no more reminders about this survey.",
    "optout_answer": "You can still answer the survey",
    "kiosk_title": "Tell us how we did",
    "kiosk_intro": "Please tell us what you think of how your dossier was handled.",
    "kiosk_label": "Survey code, dossier code, or scan the QR code on your receipt",
    "kiosk_hint": "Hold the QR code to the scanner, or type the code and press “Start”.",
    "kiosk_submit": "Start",
    "kiosk_error": "No survey found for this code: check it, or ask at the counter",
    "kiosk_thanks": "Thank you!",
    "kiosk_thanks_body": "Your answers have been recorded. The screen goes back to the start in 10 seconds.",
    "kiosk_restart": "Back to the start",
    "kiosk_cancel": "Cancel, back to the start",
}

_TABLES: Mapping[str, Mapping[str, str]] = {"vi": VI, "en": EN}


def language(requested: str | None) -> str:
    """The page's language: English when asked for, else Vietnamese."""
    return requested if requested in LANGUAGES else "vi"


def wording(lang: str) -> Mapping[str, str]:
    return _TABLES.get(lang, VI)


@dataclass(frozen=True)
class Worded:
    """A piece of the questionnaire as the page shows it, and the language it is in."""

    text: str
    lang: str


class QuestionnaireWording:
    """The questionnaire's words from ``translation``, or its Vietnamese where there is none."""

    def __init__(self, translation: Translation | None) -> None:
        self.translation = translation

    def _pick(self, translated: str | None, original: str) -> Worded:
        if self.translation is not None and translated:
            return Worded(translated, self.translation.lang)
        return Worded(original, "vi")

    def title(self, questionnaire: Questionnaire) -> Worded:
        return self._pick(self.translation.title if self.translation else None, questionnaire.title)

    def subtitle(self, questionnaire: Questionnaire) -> Worded:
        return self._pick(self.translation.subtitle if self.translation else None, questionnaire.subtitle)

    def intro(self, questionnaire: Questionnaire) -> Worded:
        """The questionnaire's introduction for the screen: its web_intro where it has one."""
        translated = (self.translation.web_intro or self.translation.intro) if self.translation else None
        return self._pick(translated, questionnaire.web_intro or questionnaire.intro)

    def section(self, section: Section) -> Worded:
        return self._pick(self.translation.section_title(section) if self.translation else None, section.title)

    def question(self, question: Question) -> Worded:
        return self._pick(self.translation.question_text(question) if self.translation else None, question.text)

    def option(self, question: Question, index: int) -> Worded:
        """A box's label as ``answers.option_label`` makes it ("5 – Very satisfied"), translated."""
        option = question.options[index]
        label = self.translation.option_label(question, option) if self.translation else None
        if self.translation is None or not label:
            return Worded(option_label(question, index), "vi")
        alone = question.model_copy(update={"options": (option.model_copy(update={"label": label}),)})
        return Worded(option_label(alone, 0), self.translation.lang)
