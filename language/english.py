# ruff: noqa: E501 - the keys are the Vietnamese templates, whole
"""Our words in English, by their Vietnamese template (``language.tr``); placeholders kept as they are.

A Vietnamese template changed in the code must change here too, or it shows in Vietnamese in
English mode: ``tests/commands/test_language_catalog.py`` lists the ones missing. An English
wording may leave out a value the Vietnamese needs (the form of address ``{you}``), never add one.
The help texts of the verbs are in ``commands/english.py``; the reports' words in ``english_reports``,
the verbs' messages in ``english_verbs`` and ``english_commands``, the configuration's and the
database's errors in ``english_errors``; here, the emails'.
"""

from .english_commands import COMMANDS
from .english_errors import ERRORS
from .english_reports import REPORTS, ROUND
from .english_verbs import VERBS

MAIL: dict[str, str] = {
    # mailer/compose.py: the invitation's subject, attachment and greeting
    "Phiếu khảo sát hồ sơ {dossier} [Mã phiếu: {code}]": "Survey form for dossier {dossier} [Form code: {code}]",
    "Phiếu khảo sát {code}.pdf": "Survey form {code}.pdf",
    "Nhắc lại: {subject}": "Reminder: {subject}",
    "Kính gửi Quý cơ quan/doanh nghiệp {name},": "Dear {name},",
    "Kính gửi Ông {name},": "Dear Mr {name},",
    "Kính gửi Bà {name},": "Dear Ms {name},",
    "Kính gửi Quý Ông/Bà {name},": "Dear Mr/Ms {name},",
    "Kính gửi Quý Ông/Bà,": "Dear Sir or Madam,",
    # mailer/templates/invitation.*
    "Phiếu khảo sát {code}": "Survey form {code}",
    (
        "{organization} chưa nhận được phiếu khảo sát của {you} về hồ sơ số <strong>{dossier}</strong>\n"
        "(<strong>“{procedure}”</strong>, do {unit} giải quyết). Nếu {you} đã gửi, xin bỏ qua thư này."
    ): (
        "{organization} has not yet received your survey form about dossier no. <strong>{dossier}</strong>\n"
        "(<strong>“{procedure}”</strong>, handled by {unit}). If you have already sent it, please ignore this email."
    ),
    (
        "{organization} trân trọng cảm ơn {you} đã thực hiện thủ tục hành chính\n"
        "<strong>“{procedure}”</strong> (hồ sơ số <strong>{dossier}</strong>, do {unit} giải quyết)."
    ): (
        "{organization} thanks you for carrying out the administrative procedure\n"
        "<strong>“{procedure}”</strong> (dossier no. <strong>{dossier}</strong>, handled by {unit})."
    ),
    (
        "Để nâng cao chất lượng phục vụ, xin {you} dành ít phút cho biết ý kiến qua phiếu khảo sát\n"
        "(mã phiếu: <strong>{code}</strong>). Phiếu không cần ghi họ tên."
    ): (
        "To improve our service, please take a few minutes to give your opinion on the survey form\n"
        "(form code: <strong>{code}</strong>). You do not need to write your name on it."
    ),
    "Trả lời trực tuyến": "Answer online",
    (
        "Phiếu trực tuyến mở được trên điện thoại và máy tính. {you} cũng có thể dùng "
        "<strong>phiếu PDF đính kèm</strong>:"
    ): "The online form opens on a phone or a computer. You can also use the <strong>attached PDF form</strong>:",
    "<strong>Cách gửi lại phiếu PDF đính kèm</strong> (chọn một):": (
        "<strong>How to return the attached PDF form</strong> (choose one):"
    ),
    "Mở tệp PDF, đánh dấu trực tiếp trên máy, lưu lại rồi <strong>trả lời thư này</strong> kèm tệp đã điền.": (
        "Open the PDF, tick your answers on screen, save it and <strong>reply to this email</strong> with the filled file."
    ),
    "In phiếu, đánh dấu bằng bút mực, rồi chụp ảnh hoặc quét và trả lời thư này kèm ảnh.": (
        "Print the form, tick your answers in ink, then photograph or scan it and reply to this email with the picture."
    ),
    "Gửi fax phiếu đã điền đến số {fax}.": "Fax the filled form to {fax}.",
    "Gửi bưu điện về: {address}.": "Post it to: {address}.",
    "Xin gửi lại phiếu trước ngày <strong>{deadline}</strong>.": (
        "Please return the form by <strong>{deadline}</strong>."
    ),
    "Trân trọng,": "Yours faithfully,",
    (
        "Thư này được gửi tự động. Mã phiếu {code} giúp chúng tôi ghi nhận\n"
        "đúng phiếu của {you}; xin giữ nguyên tiêu đề khi trả lời. Không muốn nhận thư nhắc:"
    ): (
        "This email was sent automatically. The form code {code} lets us record\n"
        "your form correctly; please keep the subject when you reply. To receive no reminders:"
    ),
    '<a href="{link}" style="color: #0b4f8a;">mở trang từ chối nhận thư nhắc</a>, hoặc ': (
        '<a href="{link}" style="color: #0b4f8a;">open the page that stops the reminders</a>, or '
    ),
    "trả lời thư này\nvới tiêu đề “KHÔNG NHẬN”.": "reply to this email\nwith the subject “KHÔNG NHẬN” (no more reminders).",
    (
        "{organization} chưa nhận được phiếu khảo sát của {you} về hồ sơ số\n"
        '{dossier} ("{procedure}", do {unit} giải quyết). Nếu {you} đã gửi,\nxin bỏ qua thư này.'
    ): (
        "{organization} has not yet received your survey form about dossier no.\n"
        '{dossier} ("{procedure}", handled by {unit}). If you have already sent it,\nplease ignore this email.'
    ),
    (
        "{organization} trân trọng cảm ơn {you} đã thực hiện thủ tục hành chính\n"
        '"{procedure}" (hồ sơ số {dossier}, do {unit} giải quyết).'
    ): (
        "{organization} thanks you for carrying out the administrative procedure\n"
        '"{procedure}" (dossier no. {dossier}, handled by {unit}).'
    ),
    (
        "Để nâng cao chất lượng phục vụ, xin {you} dành ít phút cho biết ý kiến qua phiếu\n"
        "khảo sát (mã phiếu: {code}). Phiếu không cần ghi họ tên."
    ): (
        "To improve our service, please take a few minutes to give your opinion on the survey\n"
        "form (form code: {code}). You do not need to write your name on it."
    ),
    "Trả lời trực tuyến (trên điện thoại hoặc máy tính):": "Answer online (on a phone or a computer):",
    "Hoặc dùng phiếu PDF đính kèm (chọn một cách):": "Or use the attached PDF form (choose one way):",
    "Cách gửi lại phiếu PDF đính kèm (chọn một):": "How to return the attached PDF form (choose one):",
    "Mở tệp PDF, đánh dấu trực tiếp trên máy, lưu lại rồi trả lời thư này\n     kèm tệp đã điền.": (
        "Open the PDF, tick your answers on screen, save it and reply to this email\n     with the filled file."
    ),
    "Xin gửi lại phiếu trước ngày {deadline}.": "Please return the form by {deadline}.",
    (
        "Thư này được gửi tự động. Mã phiếu {code} giúp chúng tôi ghi nhận đúng\n"
        "phiếu của {you}; xin giữ nguyên tiêu đề khi trả lời. Không muốn nhận thư nhắc:"
    ): (
        "This email was sent automatically. The form code {code} lets us record your\n"
        "form correctly; please keep the subject when you reply. To receive no reminders:"
    ),
    "mở {link}\nrồi bấm nút, hoặc ": "open {link}\nand press the button, or ",
    'trả lời thư này với tiêu đề "KHÔNG NHẬN".': 'reply to this email with the subject "KHÔNG NHẬN" (no more reminders).',
    # mailer/templates/status.*, _rates_table
    "Tổng cộng": "Total",
    "Số liệu tại thời điểm {moment}": "Figures as of {moment}",
    "Kính gửi Ban chỉ đạo ISO,": "To the ISO steering committee,",
    "Hiện chưa có đợt khảo sát nào có hồ sơ.": "No survey round has any dossiers yet.",
    "Đợt {name} ({period})": "Round {name} ({period})",
    "Hạn chót: <strong>{deadline}</strong> — <strong>{days}</strong>.\nTỷ lệ chung: <strong>{rate}</strong> ({returned}/{sent} phiếu).": (
        "Deadline: <strong>{deadline}</strong> — <strong>{days}</strong>.\n"
        "Overall rate: <strong>{rate}</strong> ({returned}/{sent} forms)."
    ),
    "Chưa đạt chỉ tiêu ({count}):": "Below target ({count}):",
    "Tất cả đơn vị đã đạt chỉ tiêu.": "Every unit has reached its target.",
    "Việc cần xử lý": "To deal with",
    "Phiếu chờ người xem xét (hàng đợi xem xét):": "Forms waiting for a person (review queue):",
    "Thư gửi phiếu chưa rõ đã đến người nhận hay chưa:": "Form emails not known to have reached their recipient:",
    "Thư gửi phiếu đã được gửi lại sau khi chưa rõ kết quả:": "Form emails sent again after an uncertain result:",
    "Phiếu giấy đã in, chưa xác nhận đã gửi (chưa tính vào Đã gửi):": (
        "Paper forms printed, not yet confirmed as posted (not counted as Sent):"
    ),
    (
        "✗: chưa đạt chỉ tiêu; —: chưa gửi được phiếu nào, chưa có tỷ lệ. Còn thiếu: số phiếu cần thu thêm để đạt chỉ tiêu.\n"
        "± Phiếu, ± Tỷ lệ: thay đổi số phiếu trả lời và tỷ lệ (điểm phần trăm) so với báo cáo trước. "
        "Báo cáo đầy đủ kèm biểu đồ trong tệp PDF đính kèm."
    ): (
        "✗: below target; —: no form sent yet, no rate. Needed: the replies still needed to reach the target.\n"
        "± Forms, ± Rate: change in replies and in the rate (percentage points) since the last report. "
        "The full report with charts is in the attached PDF."
    ),
    (
        "Thư này được hệ thống khaosat gửi tự động. Cần số liệu tại thời điểm khác,\n"
        "hoặc danh sách hồ sơ chưa trả lời phiếu của một đơn vị, xin liên hệ Thư ký Ban ISO."
    ): (
        "This email was sent automatically by khaosat. For figures at another time,\n"
        "or a unit's list of dossiers without a reply, please contact the ISO committee's secretary."
    ),
    "ĐỢT {name} ({period}) — hạn chót {deadline}, {days}": "ROUND {name} ({period}) — deadline {deadline}, {days}",
    "Tỷ lệ chung: {rate} ({returned}/{sent} phiếu)": "Overall rate: {rate} ({returned}/{sent} forms)",
    (
        "hồ sơ {dossiers}, đã gửi {sent}, đã trả lời {returned}, tỷ lệ {rate} (chỉ tiêu {target}), "
        "còn thiếu {needed}; ± phiếu {returned_change}, ± tỷ lệ {rate_change}"
    ): (
        "dossiers {dossiers}, sent {sent}, returned {returned}, rate {rate} (target {target}), "
        "needed {needed}; ± forms {returned_change}, ± rate {rate_change}"
    ),
    "Tổng cộng: hồ sơ {dossiers}, đã gửi {sent}, đã trả lời {returned}, tỷ lệ {rate}, còn thiếu {needed}": (
        "Total: dossiers {dossiers}, sent {sent}, returned {returned}, rate {rate}, needed {needed}"
    ),
    "Chưa đạt chỉ tiêu ({count}): {names}.": "Below target ({count}): {names}.",
    "VIỆC CẦN XỬ LÝ": "TO DEAL WITH",
    "Phiếu chờ người xem xét: {count}": "Forms waiting for a person: {count}",
    (
        "✗: chưa đạt chỉ tiêu; —: chưa gửi được phiếu nào, chưa có tỷ lệ. Còn thiếu: số phiếu cần thu thêm để đạt chỉ tiêu.\n"
        "± phiếu, ± tỷ lệ: thay đổi số phiếu trả lời và tỷ lệ (điểm phần trăm) so với báo cáo trước.\n"
        "Báo cáo đầy đủ kèm biểu đồ trong tệp PDF đính kèm."
    ): (
        "✗: below target; —: no form sent yet, no rate. Needed: the replies still needed to reach the target.\n"
        "± forms, ± rate: change in replies and in the rate (percentage points) since the last report.\n"
        "The full report with charts is in the attached PDF."
    ),
    (
        "Thư này được hệ thống khaosat gửi tự động. Cần số liệu tại thời điểm khác, hoặc danh sách hồ sơ\n"
        "chưa trả lời phiếu của một đơn vị, xin liên hệ Thư ký Ban ISO."
    ): (
        "This email was sent automatically by khaosat. For figures at another time, or a unit's list of dossiers\n"
        "without a reply, please contact the ISO committee's secretary."
    ),
}

ENGLISH: dict[str, str] = {**MAIL, **REPORTS, **ROUND, **VERBS, **COMMANDS, **ERRORS}
