# ruff: noqa: E501 - the keys are the Vietnamese templates, whole
"""What the verbs of cli.py and commands/ print, in English, by its Vietnamese template (``language.tr``).

``khaosat init``, ``dispatch``, ``print``, ``intake``, ``dossiers``, ``form``, ``parse``,
``review``, ``user``, ``apikey``, ``subunit``, ``privacy``, ``audit``, ``demo``; see ``english``.
"""

COMMANDS: dict[str, str] = {
    # cli.py
    "Đã đếm lại các bộ đếm của từng đợt từ hồ sơ và phiếu đã có.": "Recounted each round's counters from the dossiers and forms held.",
    "Cơ sở dữ liệu sẵn sàng (lược đồ phiên bản {revision}). Thư mục dữ liệu: {directory}": (
        "Database ready (schema revision {revision}). Data folder: {directory}"
    ),
    "khaosat {verb} chỉ chạy một lượt (thêm --once); chạy theo lịch: khaosat run": (
        "khaosat {verb} runs one pass only (add --once); to run on a schedule: khaosat run"
    ),
    "Bỏ qua {count} hồ sơ: {reason}.": "Skipped {count} dossiers: {reason}.",
    (
        "Phiếu mới: [bold]{queued}[/]; đã gửi: [bold green]{sent}[/]; chờ gửi lại: {retried}; "
        "thất bại: {failed}; không chắc đã gửi: {uncertain}; phiếu giấy chờ in: {paper}"
    ): (
        "New forms: [bold]{queued}[/]; sent: [bold green]{sent}[/]; to retry: {retried}; "
        "failed: {failed}; uncertain: {uncertain}; paper forms to print: {paper}"
    ),
    "cần tệp PDF đầu ra": "an output PDF file is needed",
    "Lô in {batch}: đã ghi nhận gửi {count} phiếu.": "Print batch {batch}: {count} forms recorded as sent.",
    "Lô in {batch}: {forms} phiếu trong {output}. In xong, chạy: khaosat print --confirm {batch}": (
        "Print batch {batch}: {forms} forms in {output}. Once printed, run: khaosat print --confirm {batch}"
    ),
    "Không có phiếu giấy nào chờ in.": "No paper form is waiting to be printed.",
    (
        "Thư/tệp mới: [bold]{received}[/]; phiếu ghi nhận: [bold green]{responses}[/]; phiếu trùng: {duplicates}; "
        "trang ghép vào phiếu đã nhận: {joined}; chờ người xem: [bold yellow]{review}[/]; thư báo lỗi: {bounces}; "
        "trả lời tự động: {autoreplies}; báo cáo fax: {fax}"
    ): (
        "New messages/files: [bold]{received}[/]; forms recorded: [bold green]{responses}[/]; duplicates: {duplicates}; "
        "pages joined to forms already received: {joined}; for review: [bold yellow]{review}[/]; bounces: {bounces}; "
        "auto-replies: {autoreplies}; fax reports: {fax}"
    ),
    # commands/dossiers.py
    "Không có tệp nào chờ nhập trong {folder}.": "No file is waiting to be imported in {folder}.",
    "[red]✗[/] {file}: không nhập được — {reason}": "[red]✗[/] {file}: not imported — {reason}",
    (
        "Hồ sơ mới: [bold green]{new}[/]; cập nhật: [bold]{updated}[/]; không đổi: {unchanged}; "
        "dòng bị từ chối: [bold red]{rejected}[/]; cảnh báo: {warnings}."
    ): (
        "New dossiers: [bold green]{new}[/]; updated: [bold]{updated}[/]; unchanged: {unchanged}; "
        "rows rejected: [bold red]{rejected}[/]; warnings: {warnings}."
    ),
    "Dòng bị từ chối": "Rows rejected",
    "Cảnh báo": "Warnings",
    "Dòng": "Row",
    "Lý do": "Reason",
    "… và {count} dòng nữa (xem đủ với --json).": "… and {count} more rows (all of them with --json).",
    # commands/forms.py
    "Hồ sơ {dossier}: phiếu {code} ghi vào {output}": "Dossier {dossier}: form {code} written to {output}",
    "Phiếu trắng (phiên bản {version}) ghi vào {output}": "Blank form (version {version}) written to {output}",
    "không đọc được {file}: {problem}": "cannot read {file}: {problem}",
    "{name}: không phải PDF hay ảnh; không đọc": "{name}: not a PDF or an image; not read",
    "trang {page}: mã {code} ({method}); cần xem lại: {uncertain}": "page {page}: code {code} ({method}); to check: {uncertain}",
    "góp ý: {comment}": "comment: {comment}",
    "góp ý viết tay: xem {path}": "handwritten comment: see {path}",
    "bản fax/quét đen trắng chỉ giữ nét xám đến mức {kept}/255: nét bút chì nhạt có thể đã mất": (
        "the black-and-white fax or scan kept greys only up to {kept}/255: light pencil marks may be lost"
    ),
    # commands/review.py, review/view.py
    "Không có mục nào chờ xem xét.": "Nothing is waiting for review.",
    "Hàng chờ xem xét: {count} mục": "Review queue: {count} items",
    "Số": "No.",
    "Loại": "Kind",
    "Trạng thái": "State",
    "Phiếu": "Form",
    "Xem chứng cứ: khaosat review show SỐ; xử lý: khaosat review resolve SỐ …": (
        "See the evidence: khaosat review show NO.; settle it: khaosat review resolve NO. …"
    ),
    "[bold]Mục {id}[/] ({kind}, {state}): {reason}": "[bold]Item {id}[/] ({kind}, {state}): {reason}",
    "Phiếu: {survey}; tệp: {file}": "Form: {survey}; file: {file}",
    "Máy đọc được: {read}": "Read by the machine: {read}",
    "Thư/tệp gốc: {name} — từ {sender}": "Original message/file: {name} — from {sender}",
    "Phiếu trả lời {id} ({method}, {counted}): {answers}": "Reply {id} ({method}, {counted}): {answers}",
    "Các trang phiếu đã nhận: {pages}": "Pages of the form received: {pages}",
    "Toàn bộ dữ liệu: khaosat review show SỐ --json": "All the data: khaosat review show NO. --json",
    "Thư/tệp gốc (lưu trữ)": "Original message/file (archive)",
    "Tệp đính kèm": "Attachment",
    "Ảnh cắt {name}": "Crop {name}",
    "đã từ chối": "rejected",
    "đã xử lý": "settled",
    "Mục {id}: {done}{note} ({actor}).": "Item {id}: {done}{note} ({actor}).",
    "chọn đúng một việc: --survey/--answer, --keep, --merge, --retry hoặc --reject": (
        "choose exactly one action: --survey/--answer, --keep, --merge, --retry or --reject"
    ),
    "--merge chỉ đi cùng --survey MÃ (mục chưa gắn với phiếu nào)": (
        "--merge goes only with --survey CODE (for an item not yet tied to a form)"
    ),
    " — không có phiếu nào được ghi nhận (xem: khaosat review list)": " — no reply was recorded (see: khaosat review list)",
    " — được tính vào tỷ lệ thu hồi": " — counted in the return rate",
    " — không tính (đã có phiếu khác được tính)": " — not counted (another reply is counted)",
    "“{pair}”: ghi CÂU=GIÁ_TRỊ, ví dụ B1_1=4 (để trống: B1_1=)": "“{pair}”: write QUESTION=VALUE, for example B1_1=4 (empty: B1_1=)",
    "chưa khớp phiếu": "not matched to a form",
    "câu trả lời chưa chắc": "uncertain answers",
    "hai phiếu khác nhau": "two differing replies",
    "tệp đính kèm": "attachment",
    "lỗi khi xử lý": "processing error",
    "phiếu trả về để trống": "form returned blank",
    "hai ô được đánh dấu": "two boxes marked",
    "nét mờ, không rõ có đánh dấu hay không": "a faint trace: marked or not is unclear",
    "có ô tô kín, không rõ ô nào được chọn": "a box filled in: which box is chosen is unclear",
    "ô nằm ngoài ảnh chụp hoặc quét": "the boxes lie outside the photo or scan",
    "để trống trên bản fax hoặc bản quét đen trắng mà máy gửi có thể đã làm mất nét nhạt (bút chì)": (
        "blank on a fax or black-and-white scan whose device may have lost light (pencil) marks"
    ),
    "trang khó đọc (ảnh mờ hoặc nhiều câu chưa chắc): cả trang cần người xem": (
        "a page hard to read (blurred, or most questions uncertain): the whole page needs a person"
    ),
    "giá trị không có trong phiếu": "a value the form does not have",
    "chờ xử lý": "open",
    "không có mục xem xét số {item_id}": "no review item number {item_id}",
    # commands/user.py
    "Mật khẩu mới: ": "New password: ",
    "Nhập lại mật khẩu: ": "Type the password again: ",
    "hai lần nhập mật khẩu không giống nhau; không thay đổi gì": "the two passwords typed differ; nothing changed",
    "Đã thêm tài khoản {name} (vai trò {role}, đơn vị {unit}).": "Added the account {name} (role {role}, unit {unit}).",
    "Đã thêm tài khoản {name} (vai trò {role}).": "Added the account {name} (role {role}).",
    "Đã đổi mật khẩu của {name}; các phiên đăng nhập cũ đã kết thúc.": "Changed the password of {name}; its earlier sessions have ended.",
    "Đã khóa tài khoản {name}.": "Disabled the account {name}.",
    "Vai trò": "Role",
    "đã khóa": "disabled",
    "đang dùng": "active",
    "Chưa có tài khoản nào: khaosat user add TÊN --role admin": "No account yet: khaosat user add NAME --role admin",
    # commands/apikey.py
    "Khóa API của {name} (chỉ hiện lần này, hãy lưu ngay vào hệ thống gọi):": (
        "API key of {name} (shown this once only: store it in the calling system now):"
    ),
    "Chưa có khóa API nào (tạo: khaosat apikey add TÊN).": "No API key yet (create one: khaosat apikey add NAME).",
    "đã khóa {when}": "disabled {when}",
    "{name}: tạo {created}, {state}": "{name}: created {created}, {state}",
    "Đã khóa khóa API của {name}.": "Disabled the API key of {name}.",
    "Khóa API của {name} đã bị khóa từ trước.": "The API key of {name} was already disabled.",
    # commands/subunit.py
    "không ghi được {file}: {problem}": "cannot write {file}: {problem}",
    "Đã ghi {file}: mẫu đợt {round}, {rows} hàng điền sẵn.": "Wrote {file}: template for round {round}, {rows} rows filled in.",
    "Tệp: không phải bảng tính .xlsx, cũng không phải tệp JSON của khaosat report round": (
        "File: neither an .xlsx workbook nor a JSON file of khaosat report round"
    ),
    "{file} có {count} lỗi; chưa nhập gì.": "{file} has {count} errors; nothing imported.",
    " (thay lần nhập trước, SHA-256 {sha256}…)": " (replacing the earlier import, SHA-256 {sha256}…)",
    "Đã nhập kết quả của “{subunit}”, đợt {round}: {rows} hàng, {sent} phiếu đã gửi, {returned} phiếu thu về{replaced}.": (
        "Imported the results of “{subunit}”, round {round}: {rows} rows, {sent} forms sent, {returned} forms returned{replaced}."
    ),
    "Chú ý: Sở cũng đã tự đếm hồ sơ của {pair} trong đợt này; kiểm tra để không tính hai lần.": (
        "Note: the Department also counted the dossiers of {pair} itself in this round; check that none is counted twice."
    ),
    # commands/privacy.py
    "Chưa có đợt nào đóng quá {days} ngày: không có gì để xoá.": "No round closed more than {days} days ago: nothing to erase.",
    "Sẽ xoá": "Would erase",
    "Đã xoá": "Erased",
    (
        "Đợt {round} (hạn {ends}): {verb} thông tin liên hệ của {dossiers} hồ sơ, "
        "người nhận của {outbox} thư gửi đi, {raw} thư/tệp quét gốc."
    ): (
        "Round {round} (ended {ends}): {verb} the contact details of {dossiers} dossiers, "
        "the recipients of {outbox} outgoing messages, {raw} original messages/scans."
    ),
    "Không có tệp hồ sơ xuất đã nhập nào cũ quá {days} ngày.": "No imported dossier export is older than {days} days.",
    "{verb} {count} tệp hồ sơ xuất đã nhập và báo cáo nhập cũ quá {days} ngày (thư mục hồ sơ).": (
        "{verb} {count} imported dossier exports and import reports older than {days} days (dossier folder)."
    ),
    "Không có hồ sơ mã {dossier}.": "No dossier with the code {dossier}.",
    "Người nộp": "Applicant",
    "Điện thoại": "Phone",
    "Địa chỉ": "Address",
    "(không lưu)": "(not kept)",
    "Hồ sơ {code} (nhận ngày {day})": "Dossier {code} (received {day})",
    "Chưa có phiếu khảo sát.": "No survey form yet.",
    "Phiếu {code}: kênh {channel}, trạng thái {status}": "Form {code}: channel {channel}, status {status}",
    "Thư gửi đi: {kind}, {channel}, đến {recipient}, {state}": "Outgoing: {kind}, {channel}, to {recipient}, {state}",
    "(đã xoá hoặc giấy)": "(erased, or paper)",
    ", từ {sender}, SHA-256 {sha256}": ", from {sender}, SHA-256 {sha256}",
    "được tính": "counted",
    "không tính": "not counted",
    "Phiếu trả lời số {id} ({method}, {counted})": "Reply no. {id} ({method}, {counted})",
    "Tệp đang lưu: {path}": "File kept: {path}",
    "Không còn tệp gốc nào được lưu.": "No original file is kept any more.",
    # commands/demo.py
    "Đang chạy thử: nhập hồ sơ, gửi phiếu, nhận phiếu trả về, đếm tỷ lệ…": (
        "Running the demo: importing dossiers, sending forms, receiving replies, counting rates…"
    ),
    "Đã gửi {email} email và {fax} fax; {paper} phiếu giấy in gửi bưu điện.": "Sent {email} emails and {fax} faxes; {paper} paper forms printed for the post.",
    "Người nộp trả lời: {pdf} PDF điền trên máy, {paper} phiếu giấy quét, {bounce} thư báo lỗi, {autoreply} thư trả lời tự động.": (
        "Applicants replied: {pdf} PDFs filled on screen, {paper} scanned paper forms, {bounce} bounces, {autoreply} auto-replies."
    ),
    "Tiếp nhận: {responses} phiếu ghi nhận, {review} mục chờ người xem, {bounces} thư báo lỗi, {autoreplies} trả lời tự động.": (
        "Intake: {responses} forms recorded, {review} items for review, {bounces} bounces, {autoreplies} auto-replies."
    ),
    "Xem kết quả trong [bold]{folder}[/]:": "See the results in [bold]{folder}[/]:",
    "thư đã gửi cho người nộp và Ban ISO (.eml)": "emails sent to the applicants and the ISO committee (.eml)",
    "phiếu trả về đã đọc, và những gì cần người xem": "the replies read, and what needs a person",
    "báo cáo tiến độ gửi Ban ISO (PDF)": "the progress report sent to the ISO committee (PDF)",
    "lô in gửi bưu điện (trang địa chỉ + phiếu)": "the print batch for the post (address page + form)",
    "cấu hình; thử: khaosat report rates --config {path}": "the configuration; try: khaosat report rates --config {path}",
    "Biểu mẫu trực tuyến của một phiếu chưa trả lời: [bold]{link}[/]  (Ctrl+C để dừng)": (
        "The online form of a survey not yet answered: [bold]{link}[/]  (Ctrl+C to stop)"
    ),
    "Đã dừng biểu mẫu trực tuyến.": "Stopped the online form.",
    # reports/audit.py, reports/audit_view.py: `khaosat audit`
    "Hồ sơ = Đã gửi + Chờ gửi + Thất bại": "Dossiers = Sent + Pending + Failed",
    "Đã gửi = Trả lời + Chưa trả lời": "Sent = Returned + Outstanding",
    "bộ đếm = đếm lại từ dữ liệu": "counter = recount from the rows",
    "trạng thái phiếu": "form status",
    "phiếu trả lời được tính": "counted replies",
    "tệp gốc của phiếu trả lời": "the replies' original files",
    "Chờ gửi": "Pending",
    "Chưa trả lời": "Outstanding",
    "Phải có: Hồ sơ = Đã gửi + Chờ gửi + Thất bại; Đã gửi = Trả lời + Chưa trả lời.": (
        "Must hold: Dossiers = Sent + Pending + Failed; Sent = Returned + Outstanding."
    ),
    "Đỏ “a ≠ b”: bộ đếm a, đếm lại từ dữ liệu b.": "Red “a ≠ b”: counter a, recount from the rows b.",
    "Đối soát số liệu — đợt {round}": "Audit of the figures — round {round}",
    "… và {count} vấn đề khác về {check} (đủ cả trong --format json)": "… and {count} more problems with {check} (all of them in --format json)",
    "Chưa có đợt khảo sát nào có số liệu.": "No survey round has figures yet.",
    "[red]Không khớp:[/] {problems} vấn đề.": "[red]Mismatch:[/] {problems} problems.",
    "có tệp gốc nguyên vẹn (đã đọc lại, đúng mã SHA-256)": "have their original file intact (read again, SHA-256 matches)",
    "có tệp gốc": "have their original file",
    " (trừ {erased} tệp đã xoá khi hết hạn lưu dữ liệu cá nhân)": " (but {erased} files erased when the personal data's retention ended)",
    (
        "[green]Khớp:[/] {rounds} đợt; mỗi đơn vị Hồ sơ = Đã gửi + Chờ gửi + Thất bại và "
        "Đã gửi = Trả lời + Chưa trả lời; bộ đếm bằng số đếm lại từ dữ liệu; {replies} phiếu trả lời "
        "được tính đều {files} trong kho lưu."
    ): (
        "[green]Match:[/] {rounds} rounds; for every unit Dossiers = Sent + Pending + Failed and "
        "Sent = Returned + Outstanding; the counters equal the recount from the rows; the {replies} counted replies "
        "all {files} in the archive."
    ),
    "{replies} phiếu trả lời có tệp gốc đã bị xoá theo lần xoá dữ liệu cá nhân ngày {day} (mã SHA-256 vẫn lưu).": (
        "{replies} replies have an original file erased by the purge of personal data on {day} (their SHA-256 is kept)."
    ),
    # reports/audit.py, reports/reconcile.py, reports/raw_files.py: the audit's problems
    "thủ tục {procedure}, {what}": "procedure {procedure}, {what}",
    "kênh {channel}": "channel {channel}",
    "{unit}: {figure} — bộ đếm {counter}, đếm lại từ dữ liệu {counted} ({where})": (
        "{unit}: {figure} — counter {counter}, recount from the rows {counted} ({where})"
    ),
    "thiếu tệp gốc {path}": "original file {path} missing",
    "tệp gốc {path} đã bị thay đổi (SHA-256 hiện là {detail})": "original file {path} has changed (its SHA-256 is now {detail})",
    "không đọc được tệp gốc {path}: {detail}": "cannot read the original file {path}: {detail}",
    "thư gốc ghi mã băm không hợp lệ: {detail}": "the original message records an invalid hash: {detail}",
    "{unit}: phiếu {code} (phiếu trả lời số {response}): {text}": "{unit}: form {code} (reply no. {response}): {text}",
    "thư gốc số {inbound} không còn trong cơ sở dữ liệu": "original message no. {inbound} is no longer in the database",
    "không có thư hay tệp gốc nào được ghi nhận": "no original message or file recorded",
    "không phải tệp": "not a file",
    "chờ gửi": "pending",
    "đã trả lời": "returned",
    "được tính là đã trả lời mà vẫn ở trạng thái “thất bại”": "counted as returned yet still in status “failed”",
    "được tính là đã trả lời nhưng trạng thái là “{status}”": "counted as returned but in status “{status}”",
    "trạng thái “đã trả lời” nhưng không được tính là đã trả lời": "in status “returned” but not counted as returned",
    "trạng thái “đã gửi” nhưng không có ngày gửi": "in status “sent” but without a date sent",
    "có ngày gửi (tính vào Đã gửi) nhưng trạng thái là “{status}”": "has a date sent (counted in Sent) but is in status “{status}”",
    "hồ sơ thuộc đơn vị {unit}": "the dossier belongs to unit {unit}",
    "hồ sơ nhận ngày {day}, không thuộc đợt {round}": "the dossier was received on {day}, outside round {round}",
    "{unit}: phiếu {code} (hồ sơ {dossier}) {faults}": "{unit}: form {code} (dossier {dossier}) {faults}",
    "được tính là đã trả lời nhưng không có phiếu trả lời nào được tính": "counted as returned but no reply is counted",
    "có {counted} phiếu trả lời cùng được tính (chỉ được một)": "has {counted} replies counted (only one may be)",
    "có phiếu trả lời được tính nhưng không được tính là đã trả lời": "has a counted reply but is not counted as returned",
    "{unit}: phiếu {code} {fault}": "{unit}: form {code} {fault}",
    "phiếu trả lời số {response} thuộc phiếu khảo sát số {survey}, không còn trong cơ sở dữ liệu": (
        "reply no. {response} belongs to survey form no. {survey}, which is no longer in the database"
    ),
    "{unit}: Hồ sơ {dossiers} ≠ Đã gửi {sent} + Chờ gửi {pending} + Thất bại {failed} = {parts}": (
        "{unit}: Dossiers {dossiers} ≠ Sent {sent} + Pending {pending} + Failed {failed} = {parts}"
    ),
    "{unit}: Đã gửi {sent} ≠ Trả lời {returned} + Chưa trả lời {outstanding} = {answered}": (
        "{unit}: Sent {sent} ≠ Returned {returned} + Outstanding {outstanding} = {answered}"
    ),
}
