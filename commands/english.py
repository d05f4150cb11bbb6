"""The help texts of the command in English, by their Vietnamese (``KHAOSAT_LANG=en``); see ``i18n``.

A help text changed in its command must change here too, or it shows in Vietnamese in English
mode: ``tests/commands/test_language.py`` lists the ones missing.
"""

ENGLISH: dict[str, str] = {
    # cli.py
    "khaosat: khảo sát sự hài lòng của tổ chức, cá nhân — gửi phiếu, nhận phiếu, đếm tỷ lệ.": (
        "khaosat: satisfaction surveys of organisations and citizens — send forms, take them back, count the rates."
    ),
    "Tạo hoặc nâng cấp cơ sở dữ liệu và các thư mục dữ liệu.": "Create or upgrade the database and the data folders.",
    "Tạo phiếu cho mọi hồ sơ mới và gửi mọi phiếu email, fax đến hạn.": (
        "Create the survey of every new dossier and send every due email and fax form."
    ),
    "Làm một lượt rồi thoát (chạy theo lịch là việc của khaosat run).": (
        "Do one pass, then exit (running on schedule is khaosat run)."
    ),
    "Một tệp PDF gồm mọi phiếu giấy chờ in; --confirm SỐ_LÔ khi đã in và gửi.": (
        "One PDF of every paper form waiting to be printed; --confirm BATCH once printed and sent."
    ),
    "post (gửi bưu điện, kèm trang địa chỉ) hoặc counter (phát tại quầy).": (
        "post (with address pages) or counter (handed out at the counter)."
    ),
    "Tệp PDF sẽ ghi.": "The PDF to write.",
    "Ghi nhận lô in số này đã in xong và đã gửi đi.": "Mark the print batch of this number as printed and sent.",
    "Nhận mọi phiếu trả về: hộp thư tiếp nhận, rồi thư mục quét.": (
        "Take in every returned form: the intake mailbox, then the scan folder."
    ),
    # commands/common.py
    "Tệp cấu hình config.toml (hoặc $KHAOSAT_CONFIG).": "The configuration file config.toml (or $KHAOSAT_CONFIG).",
    "In kết quả dạng JSON.": "Print the result as JSON.",
    "table (bảng cho người đọc) hoặc json.": "table (for people) or json.",
    # commands/daemon.py
    "Chạy dịch vụ nền: mọi việc theo lịch (mục schedule của cấu hình) đến khi nhận SIGTERM hoặc Ctrl+C.": (
        "Run the daemon: every job on its schedule ([schedule] of the configuration) until SIGTERM or Ctrl+C."
    ),
    "Mức chi tiết của nhật ký (DEBUG cho nhiều nhất).": "What the log shows (DEBUG for the most).",
    "Lần chạy cuối của từng việc, các hàng chờ và lỗi gần nhất (đọc từ cơ sở dữ liệu).": (
        "Each job's last run, the queues and the last errors (read from the database)."
    ),
    # commands/audit.py
    (
        "Đối soát số liệu từng đơn vị từ các dòng dữ liệu; mã thoát 1 khi có chỗ không khớp.\n\n"
        "Hồ sơ = Đã gửi + Chờ gửi + Thất bại, Đã gửi = Trả lời + Chưa trả lời, mỗi bộ đếm bằng số đếm lại,\n"
        "mỗi phiếu trả lời được tính có tệp gốc trong kho lưu (--hashes: còn nguyên vẹn)."
    ): (
        "Prove each unit's figures from the rows; exit status 1 on any mismatch.\n\n"
        "Dossiers = sent + pending + failed, sent = returned + outstanding, every counter equal to its recount,\n"
        "every counted reply traced to its raw file in the archive (--hashes: still intact)."
    ),
    "Đợt khảo sát, ví dụ 2026-1 (mặc định: mọi đợt có số liệu).": (
        "The survey round, e.g. 2026-1 (default: every round with figures)."
    ),
    "Đọc lại từng tệp gốc và so mã SHA-256 (chậm: đọc cả kho lưu).": (
        "Read every raw file again and compare its SHA-256 (slow: reads the whole archive)."
    ),
    # commands/dossiers.py
    "Hồ sơ TTHC: nhập từ tệp xuất của hệ thống một cửa.": "Dossiers: importing the one-stop system's exports.",
    "Nhập tệp xuất hồ sơ (xlsx/csv): hồ sơ mới, cập nhật, không đổi; dòng lỗi bị từ chối kèm lý do.": (
        "Import dossier exports (xlsx/csv): new, updated, unchanged; bad rows rejected with reasons."
    ),
    "Tệp xuất .xlsx / .csv.": "The .xlsx / .csv exports.",
    "Nhập một lượt mọi tệp đang chờ trong thư mục nhận hồ sơ ([dossiers] inbox_dir).": (
        "Import every file waiting in the drop folder ([dossiers] inbox_dir) once."
    ),
    # commands/forms.py
    "Phiếu khảo sát PDF.": "The PDF survey forms.",
    "Ghi phiếu khảo sát riêng của một hồ sơ (tạo phiếu nếu hồ sơ chưa có).": (
        "Write the personalised form of one dossier (its survey is created when missing)."
    ),
    "Mã hồ sơ.": "The dossier's code.",
    "Ghi phiếu trắng để phát tại quầy (không có mã phiếu; mã hồ sơ điền tay).": (
        "Write a blank form for the counter (no survey code; the dossier code is written by hand)."
    ),
    "Đọc một tệp trả về (bản quét, fax, ảnh chụp, PDF đã điền, thư) mà không ghi vào cơ sở dữ liệu.": (
        "Read a returned file (scan, fax, photo, filled PDF, message) without touching the database."
    ),
    "Phiếu trả về: PDF, TIFF, JPEG, PNG hoặc thư .eml.": "A returned form: PDF, TIFF, JPEG, PNG or .eml.",
    "Ghi các ảnh cắt để xem lại (PNG) vào thư mục này.": "Write the review crops (PNG) into this folder.",
    # commands/reports.py
    "Báo cáo tỷ lệ thu hồi phiếu và mức độ hài lòng.": "Reports: return rates and satisfaction.",
    "Tỷ lệ thu hồi phiếu của từng đơn vị trong một đợt: hồ sơ, đã gửi, đã trả lời, tỷ lệ, chỉ tiêu, còn thiếu.": (
        "Return rates per unit for a round: dossiers, sent, returned, rate, target, replies still needed."
    ),
    "Đợt khảo sát, ví dụ 2026-1 (mặc định: đợt đang diễn ra).": (
        "The survey round, e.g. 2026-1 (default: the current one)."
    ),
    "table (bảng), json hoặc csv.": "table, json or csv.",
    "Báo cáo tình hình cho Ban ISO: in ra màn hình, ghi PDF (-o), hoặc gửi thư ngay (--send).": (
        "The ISO board status report: print it, write its PDF (-o), or send the email now (--send)."
    ),
    "Gửi thư cho Ban ISO ([report] board_emails) ngay.": "Send it to the ISO board ([report] board_emails) now.",
    "Ghi báo cáo PDF vào tệp này.": "Write the PDF report to this file.",
    "Báo cáo đợt (tỷ lệ thu hồi, mức độ hài lòng) dạng PDF và XLSX trong [storage] dir; --send gửi thư.": (
        "The round report (rates and satisfaction) as PDF and XLSX under [storage] dir; --send emails it."
    ),
    "Đợt khảo sát, ví dụ 2026-1 (mặc định: đợt bắt đầu gần nhất).": (
        "The survey round, e.g. 2026-1 (default: the one that started last)."
    ),
    "pdf (PDF và XLSX trong [storage] dir) hoặc json (in ra, để gửi về cấp trên).": (
        "pdf (PDF and XLSX under [storage] dir) or json (printed, to send to the level above)."
    ),
    # commands/review.py
    "Hàng chờ xem xét: phiếu máy chưa đọc chắc hoặc chưa khớp được.": (
        "The review queue: forms the machine could not read for sure or could not match."
    ),
    "Những gì chờ người xem: phiếu chưa khớp hồ sơ, câu trả lời máy đọc chưa chắc, tệp không đọc được.": (
        "What waits for a person: forms not matched, answers not read for sure, files not read."
    ),
    "Cả các mục đã xử lý xong.": "Also the items already settled.",
    "Toàn bộ một mục: máy đọc được gì, tệp chứng cứ, thư gốc, câu trả lời, lịch sử xử lý.": (
        "One item in full: what was read, the evidence files, the message, the answers, the history."
    ),
    "Số của mục (khaosat review list).": "The item's number (khaosat review list).",
    "Xử lý một mục: gán vào phiếu, nhập hoặc sửa câu trả lời, chọn một trong hai phiếu, xử lý lại, hoặc từ chối.": (
        "Settle an item: assign it to a survey, enter or correct answers, keep one of two replies, retry, or reject it."
    ),
    "Mã phiếu (XXXX-XXXX) gán cho mục.": "The survey code (XXXX-XXXX) to assign the item to.",
    "Câu trả lời CÂU=GIÁ_TRỊ (để trống: CÂU=); lặp lại được.": (
        "An answer QUESTION=VALUE (blank: QUESTION=); repeatable."
    ),
    "Từ chối mục, kèm lý do.": "Reject the item, with the reason.",
    "Hai phiếu khác nhau: tính phiếu nào.": "Two different replies: which one counts.",
    "Ghép các trang phiếu của mục vào phiếu trả lời đang được tính của hồ sơ "
    "(trang gửi riêng, hoặc đọc lại khác); mục chưa gắn phiếu: thêm --survey MÃ.": (
        "Merge the item's form pages into the reply its survey counts (a page sent apart, or read again "
        "differently); an item tied to no survey: add --survey CODE."
    ),
    "Lỗi khi xử lý: xử lý lại thư đã lưu (sau khi sửa lỗi).": (
        "Processing failed: process the archived message again (after the fix)."
    ),
    "Người xử lý (mặc định: $USER).": "Who settles it (default: $USER).",
    # commands/privacy.py
    "Dữ liệu cá nhân: xoá khi hết hạn lưu, xem những gì đang lưu về một người.": (
        "Personal data: erased when its time is up; what is held about one person."
    ),
    "Chỉ cho biết sẽ xoá những gì, không xoá.": "Only say what would be erased; erase nothing.",
    (
        "Xoá tên, email, điện thoại, fax, địa chỉ, thư và tệp quét gốc của các đợt đóng quá "
        "[privacy] retain_days ngày,\nvà các tệp hồ sơ xuất đã nhập (cùng báo cáo nhập) "
        "cũ quá [privacy] retain_days ngày."
    ): (
        "Erase the names, emails, phones, faxes, addresses and the raw messages and scans of the rounds "
        "closed more than [privacy] retain_days days ago,\n"
        "and the imported dossier exports (with their import reports) older than [privacy] retain_days days."
    ),
    "Mọi dữ liệu đang lưu về người nộp một hồ sơ: thông tin liên hệ, phiếu, thư đã gửi, phiếu trả lời, tệp.": (
        "Everything held about a dossier's applicant: contact data, the survey, messages sent, replies, files."
    ),
    # commands/user.py
    "Tài khoản cán bộ cho trang web: thêm, đổi mật khẩu, khóa, liệt kê.": (
        "Staff accounts of the web pages: add, new password, disable, list."
    ),
    "Tên đăng nhập (chữ thường không dấu, số, '.', '_', '-').": (
        "The login name (lower-case letters without diacritics, digits, '.', '_', '-')."
    ),
    "Đọc mật khẩu từ đầu vào chuẩn (một dòng) thay vì hỏi.": "Read the password from standard input (one line).",
    "admin, board (Ban ISO), unit (một đơn vị) hoặc reviewer.": (
        "admin, board (ISO board), unit (one unit) or reviewer."
    ),
    "Mã đơn vị của tài khoản vai trò unit.": "The unit code of a unit account.",
    "Thêm một tài khoản cán bộ, với vai trò và mật khẩu (ít nhất 10 ký tự).": (
        "Add a staff account, with its role and password (10 characters or more)."
    ),
    "Đặt mật khẩu mới cho một tài khoản; mọi phiên đăng nhập cũ của tài khoản kết thúc.": (
        "Set a new password for an account; every older session of the account ends."
    ),
    "Khóa một tài khoản: không đăng nhập được nữa, các phiên đang mở kết thúc ngay.": (
        "Disable an account: no more logins, its open sessions end at once."
    ),
    "Mọi tài khoản cán bộ: tên, vai trò, đơn vị, còn dùng hay đã khóa.": (
        "Every staff account: name, role, unit, enabled or disabled."
    ),
    # commands/subunit.py
    "Kết quả tự khảo sát của đơn vị trực thuộc (đơn vị có hệ thống ISO 9001 riêng): mẫu bảng tính, nhập kết quả.": (
        "Sub-units' own survey results (units with their own ISO 9001 system): the workbook template, the import."
    ),
    "Tệp .xlsx sẽ ghi.": "The .xlsx file to write.",
    "Tên (hoặc mã) đơn vị trực thuộc: điền sẵn đơn vị và thủ tục của đơn vị.": (
        "The sub-unit's name (or code): its units and procedures filled in."
    ),
    "Bảng tính theo mẫu (.xlsx) hoặc tệp của khaosat report round --format json.": (
        "A workbook of the template (.xlsx) or the file of khaosat report round --format json."
    ),
    "Người nhập (mặc định: $USER).": "Who imports it (default: $USER).",
    (
        "Ghi mẫu bảng tính cho đơn vị trực thuộc: mỗi đơn vị và thủ tục một hàng, số hồ sơ, phiếu đã gửi,\n"
        "phiếu thu về và số ý kiến của từng lựa chọn mỗi câu hỏi."
    ): (
        "Write the workbook template for a sub-unit: one row per unit and procedure, dossiers, forms sent,\n"
        "forms returned and the count of each answer value per question."
    ),
    (
        "Kiểm tra và nhập kết quả của một đơn vị trực thuộc (thay lần nhập trước của cùng đơn vị và đợt);\n"
        "có lỗi thì không nhập gì."
    ): (
        "Check and import a sub-unit's results (replacing its earlier import for the same round);\n"
        "on any error nothing is imported."
    ),
    # commands/apikey.py
    "Khóa API của các hệ thống gọi API hồ sơ (hệ thống một cửa).": (
        "API keys of the systems that call the dossier API (the one-stop system)."
    ),
    "Tên hệ thống gọi API, ví dụ motcua.": "The name of the calling system, e.g. motcua.",
    "Tạo khóa API cho một hệ thống; khóa chỉ hiện một lần, chỉ mã băm của nó được lưu.": (
        "Make a system's API key; the key is shown once, only its hash is stored."
    ),
    "Các khóa API: tên, ngày tạo, ngày khóa (không bao giờ hiện khóa).": (
        "The API keys: name, when made, when disabled (never the key itself)."
    ),
    "Khóa khóa API của một hệ thống: từ yêu cầu tiếp theo, API trả 401.": (
        "Disable a system's API key: from its next request the API answers 401."
    ),
    # commands/demo.py, commands/web.py
    "Chạy thử cả vòng trên máy này với máy chủ thư nhúng; không cần cài đặt gì.": (
        "The whole loop on this machine with embedded mail servers; nothing to set up."
    ),
    "Thư mục làm việc (mặc định: một thư mục tạm mới).": "Folder to work in (default: a new temporary one).",
    "Chạy biểu mẫu trực tuyến khi chạy thử xong (mặc định: có, nếu chạy trong cửa sổ dòng lệnh).": (
        "Serve the online form at the end (default: when run in a terminal)."
    ),
    "Chạy biểu mẫu trực tuyến và trang quầy (kiosk) đến khi nhận SIGTERM hoặc Ctrl+C.": (
        "Serve the online form and the counter kiosk until SIGTERM or Ctrl+C."
    ),
}
