# ruff: noqa: E501 - the keys are the Vietnamese templates, whole
"""The reports' words (status and round reports: PDF, XLSX, the rates table) in English; see ``english``."""

REPORTS: dict[str, str] = {
    # reports/status_view.py, reports/pdf.py
    "Báo cáo tiến độ thu hồi phiếu khảo sát sự hài lòng": "Satisfaction survey return progress report",
    "Phiếu giấy đã in, chưa xác nhận đã gửi (chưa tính vào Đã gửi)": (
        "Paper forms printed, not yet confirmed as posted (not counted as Sent)"
    ),
    "Thư gửi phiếu chưa rõ đã đến người nhận hay chưa": "Form emails not known to have reached their recipient",
    "đã tự gửi lại sau thời gian chờ": "sent again after the waiting time",
    "Mã đơn vị": "Unit code",
    "Đơn vị": "Unit",
    "Hồ sơ": "Dossiers",
    "Đã gửi": "Sent",
    "Đã trả lời": "Returned",
    "Tỷ lệ": "Rate",
    "Chỉ tiêu": "Target",
    "Còn thiếu": "Needed",
    "± Phiếu": "± Forms",
    "± Tỷ lệ": "± Rate",
    "Mã": "Code",
    "Gửi": "Sent",
    "Trả lời": "Returned",
    "C.tiêu": "Target",
    "Thiếu": "Needed",
    "±Phiếu": "±Forms",
    "±Tỷ lệ": "±Rate",
    "Thất bại": "Failed",
    "còn {days} ngày": "{days} days left",
    "hôm nay là hạn chót": "today is the deadline",
    "đã kết thúc {days} ngày trước": "ended {days} days ago",
    "Chưa có báo cáo trước để so sánh (cột ± để trống).": "No earlier report to compare with (± columns empty).",
    "Cột ± so với báo cáo gửi lúc {moment}.": "± columns compared with the report sent at {moment}.",
    "{title} — ngày {day}": "{title} — {day}",
    "Báo-cáo-tiến-độ-{day}": "Progress-report-{day}",
    "Đợt {name} ({period}) — hạn chót {deadline}, {days}": "Round {name} ({period}) — deadline {deadline}, {days}",
    (
        "Hạn chót <b>{deadline}</b> — <b>{days}</b>. Tỷ lệ chung <b>{rate}</b> "
        "({returned}/{sent} phiếu); còn thiếu <b>{needed}</b> phiếu để đạt chỉ tiêu."
    ): (
        "Deadline <b>{deadline}</b> — <b>{days}</b>. Overall rate <b>{rate}</b> "
        "({returned}/{sent} forms); <b>{needed}</b> more replies needed to reach the target."
    ),
    "{organization} — {title} — ngày {day}": "{organization} — {title} — {day}",
    "Trang {page}": "Page {page}",
    (
        "Thanh <font color='#2e7d4f'>xanh</font>: đạt chỉ tiêu; thanh <font color='#b3261e'>đỏ</font>: chưa đạt; "
        "vạch đứt nét: chỉ tiêu của đơn vị."
    ): (
        "<font color='#2e7d4f'>Green</font> bar: target reached; <font color='#b3261e'>red</font> bar: not reached; "
        "dashed line: the unit's target."
    ),
    "<b>Chưa đạt chỉ tiêu ({count}):</b> {names}.": "<b>Below target ({count}):</b> {names}.",
    "<b>Tất cả đơn vị đã đạt chỉ tiêu.</b>": "<b>Every unit has reached its target.</b>",
    "Phiếu chờ người xem xét: <b>{count}</b>": "Forms waiting for a person: <b>{count}</b>",
    (
        "✗: chưa đạt chỉ tiêu; —: chưa gửi được phiếu nào, chưa có tỷ lệ. "
        "Còn thiếu: số phiếu cần thu thêm để đạt chỉ tiêu. "
        "± Phiếu, ± Tỷ lệ: thay đổi số phiếu trả lời và tỷ lệ (điểm phần trăm) so với báo cáo trước."
    ): (
        "✗: below target; —: no form sent yet, no rate. "
        "Needed: the replies still needed to reach the target. "
        "± Forms, ± Rate: change in replies and in the rate (percentage points) since the last report."
    ),
    "Tỷ lệ thu hồi phiếu theo đơn vị": "Return rate by unit",
    # reports/rates.py, reports/rates_format.py
    "do {who} tự khảo sát": "surveyed by {who} itself",
    "tự khảo sát": "self-surveyed",
    "{name} (gồm số liệu {said})": "{name} (including figures {said})",
    "{name} (số liệu {said})": "{name} (figures {said})",
    "không có đợt khảo sát “{round}”: ghi NĂM-ĐỢT, ví dụ {names} (các đợt đã cấu hình)": (
        "no survey round “{round}”: write YEAR-ROUND, for example {names} (the rounds configured)"
    ),
    "✗: chưa đạt chỉ tiêu; Còn thiếu: số phiếu cần thu thêm để đạt chỉ tiêu.": (
        "✗: below target; Needed: the replies still needed to reach the target."
    ),
    "Tỷ lệ thu hồi phiếu khảo sát — đợt {name} ({starts} – {ends})": "Survey return rates — round {name} ({starts} – {ends})",
    "Không có hồ sơ nào trong đợt {name}.": "No dossiers in round {name}.",
    "{none}: đơn vị chưa gửi được phiếu nào, chưa có tỷ lệ.": "{none}: the unit has sent no form yet, no rate.",
    "“tự khảo sát”: số liệu do đơn vị trực thuộc tự khảo sát và gửi về Sở (khaosat subunit import).": (
        "“self-surveyed”: figures a sub-unit surveyed itself and sent to the Department (khaosat subunit import)."
    ),
    (
        "{count} phiếu không gửi được qua kênh nào (không tính vào Đã gửi): "
        "cần liên hệ người nộp hoặc phát phiếu giấy tại quầy."
    ): (
        "{count} forms could not be sent on any channel (not counted as Sent): "
        "contact the applicants or hand out paper forms at the counter."
    ),
    # reports/round.py
    "Toàn đợt": "Whole round",
    "Thư điện tử": "Email",
    "Fax": "Fax",
    "Bưu điện": "Post",
    "Tại Bộ phận một cửa": "At the one-stop counter",
    "Trực tuyến (trang web)": "Online (web page)",
    "Đơn vị trực thuộc tự khảo sát": "Sub-units' own surveys",
}

ROUND: dict[str, str] = {
    # mailer/followup.py, mailer/templates/followup.*
    "Email": "Email",
    "Tại quầy": "At the counter",
    "Danh sách hồ sơ chưa gửi lại phiếu khảo sát — {unit} ({count} hồ sơ)": "Dossiers whose survey form has not come back — {unit} ({count} dossiers)",
    "Hồ sơ chưa gửi lại phiếu — {unit}": "Dossiers without a returned form — {unit}",
    "Kính gửi lãnh đạo {unit},": "To the head of {unit},",
    "Đến ngày {day}, <strong>{count}</strong> hồ sơ của đơn vị chưa gửi lại phiếu khảo sát.\nĐề nghị đơn vị liên hệ người nộp để nhắc gửi lại phiếu.": (
        "As of {day}, <strong>{count}</strong> of the unit's dossiers have not sent their survey form back.\n"
        "Please contact the applicants to remind them to return the form."
    ),
    "STT": "No.",
    "Mã hồ sơ": "Dossier code",
    "Tổ chức, cá nhân": "Organisation or person",
    "Liên hệ": "Contact",
    "Kênh đã gửi": "Sent by",
    "Số ngày": "Days",
    "không có": "none",
    "Số ngày: số ngày kể từ khi gửi phiếu.": "Days: the days since the form was sent.",
    "{organization} — thư gửi tự động. Danh sách có thông tin cá nhân của người nộp: chỉ dùng để liên hệ nhắc phiếu, không chuyển tiếp.": (
        "{organization} — sent automatically. The list holds the applicants' personal data: use it only to remind them, do not forward it."
    ),
    "Đến ngày {day}, {count} hồ sơ của đơn vị chưa gửi lại phiếu khảo sát.\nĐề nghị đơn vị liên hệ người nộp để nhắc gửi lại phiếu.": (
        "As of {day}, {count} of the unit's dossiers have not sent their survey form back.\n"
        "Please contact the applicants to remind them to return the form."
    ),
    "không có liên hệ": "no contact",
    "{days} ngày": "{days} days",
    "{organization} (thư gửi tự động; danh sách có thông tin cá nhân, chỉ dùng để liên hệ nhắc phiếu)": (
        "{organization} (sent automatically; the list holds personal data, use it only to remind the applicants)"
    ),
    # mailer/templates/round.*
    "Đợt {name} ({period}): {state}. Số liệu tại thời điểm {moment}.": "Round {name} ({period}): {state}. Figures as of {moment}.",
    'Tỷ lệ thu hồi phiếu: <strong data-col="rate">{rate}</strong> ({returned}/{sent} phiếu đã gửi; {dossiers} hồ sơ; chỉ tiêu {target}, còn thiếu {needed} phiếu).': (
        'Return rate: <strong data-col="rate">{rate}</strong> ({returned}/{sent} forms sent; {dossiers} dossiers; target {target}, {needed} replies still needed).'
    ),
    'Chỉ số hài lòng chung: <strong data-col="index">{index}</strong> trên {responses} phiếu.': (
        'Overall satisfaction index: <strong data-col="index">{index}</strong> from {responses} forms.'
    ),
    "Đánh giá chung:": "Overall rating:",
    "So với {previous}: tỷ lệ thu hồi {rate_change} điểm %, chỉ số hài lòng {index_change} điểm %.": (
        "Against {previous}: return rate {rate_change} percentage points, satisfaction index {index_change} percentage points."
    ),
    "Chưa có số liệu đợt trước để so sánh.": "No figures of an earlier round to compare with.",
    "Gồm kết quả tự khảo sát của: {names}.": "Includes the own survey results of: {names}.",
    "Chưa có đơn vị trực thuộc nào gửi kết quả tự khảo sát.": "No sub-unit has sent its own survey results yet.",
    "Góp ý: {comments} ý kiến viết; {paper} phiếu giấy, fax có ô góp ý lưu dạng ảnh.": (
        "Comments: {comments} written comments; {paper} paper or fax forms with the comment box kept as an image."
    ),
    "Mức độ hài lòng theo đơn vị": "Satisfaction by unit",
    "Số phiếu": "Forms",
    "Chỉ số chung": "Overall index",
    "Báo cáo đầy đủ (tóm tắt một trang; theo đơn vị, thủ tục hành chính, kênh gửi phiếu; so với đợt trước; góp ý; kết quả đơn vị trực thuộc tự khảo sát) trong tệp PDF và bảng tính Excel đính kèm.": (
        "The full report (a one-page summary; by unit, administrative procedure and channel; against the previous round; comments; the sub-units' own results) is in the attached PDF and Excel workbook."
    ),
    "Tỷ lệ thu hồi = phiếu trả lời / phiếu đã gửi. Tỷ lệ hài lòng = ý kiến mức 4 hoặc 5 / ý kiến hợp lệ (mức 1–5); chỉ số yếu tố = trung bình các câu;\nchỉ số chung = trung bình năm yếu tố (SIPAS).": (
        "Return rate = replies / forms sent. Satisfaction rate = answers 4 or 5 / valid answers (1–5); factor index = mean of its questions;\n"
        "overall index = mean of the five factors (SIPAS)."
    ),
    "Thư này được hệ thống khaosat gửi tự động.": "This email was sent automatically by khaosat.",
    "Đợt {name} ({period}): {state}.": "Round {name} ({period}): {state}.",
    "Số liệu tại thời điểm {moment}.": "Figures as of {moment}.",
    "Tỷ lệ thu hồi phiếu: {rate} ({returned}/{sent} phiếu đã gửi; {dossiers} hồ sơ; chỉ tiêu {target}, còn thiếu {needed} phiếu).": (
        "Return rate: {rate} ({returned}/{sent} forms sent; {dossiers} dossiers; target {target}, {needed} replies still needed)."
    ),
    "Chỉ số hài lòng chung: {index} trên {responses} phiếu.": "Overall satisfaction index: {index} from {responses} forms.",
    "TỶ LỆ THU HỒI PHIẾU": "RETURN RATES",
    "đã gửi {sent}, đã trả lời {returned}, tỷ lệ {rate} (chỉ tiêu {target}), còn thiếu {needed}": (
        "sent {sent}, returned {returned}, rate {rate} (target {target}), needed {needed}"
    ),
    "Tổng cộng: hồ sơ {dossiers}, đã gửi {sent}, đã trả lời {returned}, tỷ lệ {rate}": (
        "Total: dossiers {dossiers}, sent {sent}, returned {returned}, rate {rate}"
    ),
    "MỨC ĐỘ HÀI LÒNG THEO ĐƠN VỊ": "SATISFACTION BY UNIT",
    "{responses} phiếu, chỉ số chung {index}": "{responses} forms, overall index {index}",
    "Báo cáo đầy đủ (tóm tắt một trang; theo đơn vị, thủ tục hành chính, kênh gửi phiếu; so với đợt\ntrước; góp ý; kết quả đơn vị trực thuộc tự khảo sát) trong tệp PDF và bảng tính Excel đính kèm.": (
        "The full report (a one-page summary; by unit, administrative procedure and channel; against the\n"
        "previous round; comments; the sub-units' own results) is in the attached PDF and Excel workbook."
    ),
    # reports/round_pdf.py, reports/round_view.py, reports/round_xlsx.py
    "Quyết định 766/QĐ-TTg (2022): theo các bản tóm tắt, “tỷ lệ hài lòng” của Bộ chỉ số tính trên mọi hồ sơ, kể cả hồ sơ không ai đánh giá; chưa đối chiếu được với văn bản gốc nên báo cáo này không tính chỉ số đó (README).": (
        "Decision 766/QĐ-TTg (2022): according to summaries, the “satisfaction rate” of its index set counts every dossier, including those nobody rated; "
        "not yet checked against the original text, so this report does not compute that figure (README)."
    ),
    "Cách tính: tỷ lệ thu hồi = số phiếu trả lời được tính / số phiếu đã đến tay người nộp (mỗi hồ sơ một phiếu). Tỷ lệ hài lòng của một câu = số ý kiến mức 4 hoặc 5 / số ý kiến hợp lệ (mức 1–5; “Không áp dụng” và câu bỏ trống không tính). Chỉ số của một yếu tố (năm yếu tố SIPAS) = trung bình tỷ lệ hài lòng các câu của yếu tố; chỉ số chung = trung bình chỉ số các yếu tố. Ba mức (Rất hài lòng = 5, Hài lòng = 4, Không hài lòng = 1–3) tính trên câu đánh giá chung. Số liệu “tự khảo sát” do đơn vị trực thuộc gửi về (khaosat subunit import), cộng vào đơn vị cùng mã. ": (
        "Method: return rate = counted replies / forms that reached the applicant (one form per dossier). "
        "Satisfaction rate of a question = answers 4 or 5 / valid answers (1–5; “Không áp dụng” (not applicable) and blank answers are not counted). "
        "Index of a factor (the five SIPAS factors) = mean satisfaction rate of its questions; overall index = mean of the factor indices. "
        "The three levels (Very satisfied = 5, Satisfied = 4, Not satisfied = 1–3) are counted on the overall question. "
        "“Self-surveyed” figures are sent by sub-units (khaosat subunit import) and added to the unit of the same code. "
    ),
    "<b>{rate}</b> — chỉ tiêu {target}; còn thiếu {needed} phiếu": "<b>{rate}</b> — target {target}; {needed} replies still needed",
    "so với {previous}: tỷ lệ thu hồi {rate_change} điểm %, chỉ số hài lòng {index_change} điểm %": (
        "against {previous}: return rate {rate_change} percentage points, satisfaction index {index_change} percentage points"
    ),
    "chưa có số liệu đợt trước để so sánh": "no figures of an earlier round to compare with",
    "Gồm kết quả tự khảo sát của: {names} (mục IX).": "Includes the own survey results of: {names} (section IX).",
    "Chưa có đơn vị trực thuộc nào gửi kết quả tự khảo sát cho đợt này.": "No sub-unit has sent its own survey results for this round.",
    "Tỷ lệ Đợt {name}": "Rate, round {name}",
    "Chỉ số Đợt {name}": "Index, round {name}",
    "± Chỉ số": "± Index",
    "I. Tỷ lệ thu hồi phiếu theo đơn vị": "I. Return rate by unit",
    "II. Tỷ lệ thu hồi phiếu theo thủ tục hành chính": "II. Return rate by administrative procedure",
    "III. Theo kênh gửi phiếu": "III. By channel",
    "IV. Mức độ hài lòng theo đơn vị": "IV. Satisfaction by unit",
    "V. Mức độ hài lòng theo thủ tục hành chính": "V. Satisfaction by administrative procedure",
    "VI. Mức độ hài lòng theo từng nội dung (toàn đợt)": "VI. Satisfaction by question (whole round)",
    "VII. So với đợt trước ({name})": "VII. Against the previous round ({name})",
    "VII. So với đợt trước": "VII. Against the previous round",
    "VIII. Góp ý của người nộp hồ sơ": "VIII. The applicants' comments",
    "IX. Kết quả đơn vị trực thuộc tự khảo sát": "IX. The sub-units' own survey results",
    "Hồ sơ tiếp nhận trong đợt": "Dossiers received in the round",
    "Phiếu đã đến tay người nộp (đã gửi)": "Forms that reached the applicant (sent)",
    "Phiếu trả lời được tính": "Replies counted",
    "<b>Tỷ lệ thu hồi phiếu</b> (trả lời / đã gửi)": "<b>Return rate</b> (replies / sent)",
    "Phiếu trả lời / hồ sơ tiếp nhận": "Replies / dossiers received",
    "<b>Chỉ số hài lòng chung</b> (5 yếu tố SIPAS)": "<b>Overall satisfaction index</b> (5 SIPAS factors)",
    "<b>{index}</b> trên {responses} phiếu": "<b>{index}</b> from {responses} forms",
    "Chỉ số từng yếu tố": "Index of each factor",
    "Đánh giá chung": "Overall rating",
    "Thay đổi": "Change",
    " và {count} đơn vị khác": " and {count} other units",
    "Góp ý: {comments} ý kiến viết (PDF, trực tuyến); {paper} phiếu giấy, fax có ô góp ý lưu dạng ảnh, liệt kê theo mã phiếu (mục VIII).": (
        "Comments: {comments} written comments (PDF, online); {paper} paper or fax forms with the comment box kept as an image, listed by form code (section VIII)."
    ),
    "Kênh: cách phiếu đến tay người nộp; hồ sơ chưa có phiếu không thuộc kênh nào.": (
        "Channel: how the form reached the applicant; a dossier without a form has no channel."
    ),
    "Mã thủ tục": "Procedure code",
    "Chưa có số liệu của đợt trước.": "No figures of the previous round.",
    "Ý kiến viết (PDF điền trên máy, trực tuyến, nhập tay):": "Written comments (PDF filled on screen, online, typed in):",
    "Không có ý kiến viết.": "No written comments.",
    "Phiếu giấy, fax: ô góp ý được lưu dạng ảnh, liệt kê theo mã phiếu.": "Paper and fax forms: the comment box is kept as an image, listed by form code.",
    "Không có phiếu giấy, fax nào.": "No paper or fax forms.",
    "Chưa có đơn vị nào gửi kết quả.": "No unit has sent its results yet.",
    "Tóm tắt — đợt {name} ({period}): {state}.": "Summary — round {name} ({period}): {state}.",
    "<b>Chưa đạt chỉ tiêu thu hồi:</b> {names}{more} (mục I).": "<b>Below the return target:</b> {names}{more} (section I).",
    "<b>Mọi đơn vị đã đạt chỉ tiêu thu hồi phiếu.</b>": "<b>Every unit has reached its return target.</b>",
    "Thủ tục": "Procedure",
    "Báo cáo kết quả khảo sát sự hài lòng": "Satisfaction survey results report",
    "Rất hài lòng": "Very satisfied",
    "Hài lòng": "Satisfied",
    "Không hài lòng": "Not satisfied",
    "PDF điền trên máy": "PDF filled on screen",
    "Trực tuyến": "Online",
    "Nhập tay": "Typed in",
    "Phiếu giấy, fax": "Paper, fax",
    "đang diễn ra, hạn chót {day}, {days} (số liệu tạm thời)": "in progress, deadline {day}, {days} (provisional figures)",
    "đã kết thúc ngày {day}": "ended on {day}",
    "{title} — đợt {name}": "{title} — round {name}",
    "Báo-cáo-đợt-{name}": "Round-report-{name}",
    "đợt {name}": "round {name}",
    "Gửi thất bại": "Failed",
    "Báo cáo kết quả khảo sát — đợt {name}": "Survey results report — round {name}",
    "Theo kênh": "By channel",
    "trước": "previous",
    "Tỷ lệ đợt {name}": "Rate, round {name}",
    "Tỷ lệ đợt này": "Rate, this round",
    "Chỉ số đợt {name}": "Index, round {name}",
    "Chỉ số đợt này": "Index, this round",
    "So với đợt trước": "Against previous round",
    "Góp ý": "Comments",
    "Góp ý phiếu giấy": "Paper form comments",
    "Đơn vị tự khảo sát": "Sub-unit imports",
    "Số liệu tự khảo sát": "Sub-unit figures",
    "Theo câu hỏi": "By question",
    "Tỷ lệ thu hồi": "Return rates",
    "Tỷ lệ theo thủ tục": "Rates by procedure",
    "Hài lòng theo đơn vị": "Satisfaction by unit",
    "Hài lòng theo thủ tục": "Satisfaction by procedure",
    "Chỉ số của yếu tố": "Factor index",
    "Kênh": "Channel",
    "Tên": "Name",
    "Mã phiếu": "Form code",
    "Hình thức": "How",
    "Ảnh ô góp ý (trong thư mục lưu trữ)": "Comment box images (in the archive folder)",
    "Đơn vị báo cáo": "Reporting unit",
    "Tệp": "File",
    "Nhập lúc, người nhập": "Imported at, by",
    "Số hàng": "Rows",
    "Nguồn": "Source",
    "Nhập lúc": "Imported at",
    "Người nhập": "Imported by",
    "Yếu tố": "Factor",
    "Nội dung": "Question",
    "Ý kiến hợp lệ": "Valid answers",
    "Tỷ lệ hài lòng": "Satisfaction rate",
    "Điểm TB (1–5)": "Mean (1–5)",
    "SHA-256": "SHA-256",
}
