# ruff: noqa: E501 - the keys are the Vietnamese templates, whole
"""The configuration's and the database's messages in English, by their Vietnamese template (``language.tr``).

Shown after "Error:" when a configuration key or the database cannot be used (settings.py,
database.py, scheduler.py), the reviewer's mistakes (review/service.py),
what the import of dossiers refuses or warns about (dossiers/), a sub-unit's file refused
(reports/subunit_*.py), the bounce warning and the mailer's refusals (mailer/), the refusals of
`khaosat user` and `khaosat apikey` (web/staff/accounts.py, web/api/keys.py); see ``english``.
"""

ERRORS: dict[str, str] = {
    # settings.py: pydantic's error types
    "không có khóa này (xem config.toml mẫu)": "no such key (see the sample config.toml)",
    "thiếu, phải có": "missing, required",
    "phải là số nguyên": "must be a whole number",
    "phải là số": "must be a number",
    "phải là true hoặc false": "must be true or false",
    "phải là chuỗi trong ngoặc kép": "must be a string in double quotes",
    'phải là danh sách, ví dụ ["a", "b"]': 'must be a list, for example ["a", "b"]',
    "phải là bảng, ví dụ { A = 1 }": "must be a table, for example { A = 1 }",
    "phải là một mục (bảng)": "must be a section (a table)",
    "phải là {expected}": "must be {expected}",
    "phải lớn hơn {gt}": "must be greater than {gt}",
    "phải từ {ge} trở lên": "must be {ge} or more",
    "phải nhỏ hơn {lt}": "must be less than {lt}",
    "phải từ {le} trở xuống": "must be {le} or less",
    "nhiều nhất {max_length} phần tử": "at most {max_length} items",
    "ít nhất {min_length} phần tử": "at least {min_length} items",
    "không được để trống": "must not be empty",
    "dài nhất {max_length} ký tự": "at most {max_length} characters",
    # settings.py: our validators
    "không có múi giờ {value} (ví dụ 'Asia/Ho_Chi_Minh')": "no time zone {value} (for example 'Asia/Ho_Chi_Minh')",
    "phải chứa {number} hoặc {e164}, ví dụ '{number}@fax.example.vn'": (
        "must contain {number} or {e164}, for example '{number}@fax.example.vn'"
    ),
    "{value} không phải tháng-ngày dạng 'MM-DD', ví dụ '10-31'": "{value} is not a month-day 'MM-DD', for example '10-31'",
    "{value}: mã chỉ gồm chữ không dấu, số, '.', '-' hoặc '_', ví dụ \"QLCN\"": (
        "{value}: a code holds only unaccented letters, digits, '.', '-' or '_', for example \"QLCN\""
    ),
    "[[{kind}]]: mã {code} có hai lần": "[[{kind}]]: the code {code} appears twice",
    "[[{kind}]]: tên “{name}” thuộc cả {other} lẫn {code}": "[[{kind}]]: the name “{name}” belongs to both {other} and {code}",
    "các số ngày dương, tăng dần, ví dụ [7, 14]": "positive numbers of days, increasing, for example [7, 14]",
    "tên thiết bị {device}: 1–32 ký tự gồm chữ thường không dấu, số hoặc '-'": (
        "device name {device}: 1–32 characters, lower-case unaccented letters, digits or '-'"
    ),
    "{value}: cần địa chỉ http(s), không có '@', '?', '#'; ví dụ 'https://khaosat.gov.vn'": (
        "{value}: needs an http(s) address without '@', '?', '#'; for example 'https://khaosat.gov.vn'"
    ),
    "{value}: dài quá {limit} ký tự (mã QR của phiếu mang địa chỉ này và mã phiếu)": (
        "{value}: longer than {limit} characters (the form's QR code holds this address and the form code)"
    ),
    "{value}: dòng cron có 5 trường (phút giờ ngày tháng thứ)": "{value}: a cron line has 5 fields (minute hour day month weekday)",
    "[[rounds]]: tên các đợt phải khác nhau": "[[rounds]]: the rounds' names must differ",
    "[[rounds]]: cần ít nhất một đợt": "[[rounds]]: at least one round is needed",
    # settings.py: loading
    "{name}: cấu hình không có mục [{section}]": "{name}: the configuration has no section [{section}]",
    "{name}: mục [{section}] không có khóa '{key}'": "{name}: section [{section}] has no key '{key}'",
    "khóa cấu hình '{where}': {problem}": "configuration key '{where}': {problem}",
    "không tìm thấy tệp cấu hình: {path}": "configuration file not found: {path}",
    "{path}: không phải TOML hợp lệ: {problem}": "{path}: not valid TOML: {problem}",
    # settings.py: warnings of `khaosat init`, `run`, `status`
    (
        "Cảnh báo: [report] {key} nêu đơn vị {code}, nhưng không có đơn vị nào mã {code} "
        "(trong [[units]] của cấu hình hay trong hồ sơ đã nhập), nên khóa này không có tác dụng. "
        "Các mã đơn vị đã biết: {known}.{guess}"
    ): (
        "Warning: [report] {key} names the unit {code}, but no unit has the code {code} "
        "(in the configuration's [[units]] or in the dossiers imported), so this key has no effect. "
        "Unit codes known: {known}.{guess}"
    ),
    " Có phải {codes}?": " Did you mean {codes}?",
    " hay ": " or ",
    "chưa có": "none yet",
    # mailer/returnpath.py: the bounce warning of `khaosat init`, `run`, `status`
    "khaosat không đọc hộp thư nào ([imap] host trống)": "khaosat reads no mailbox ([imap] host is empty)",
    "chưa đặt [imap] address, địa chỉ của hộp thư khaosat đọc": "[imap] address, the address of the mailbox khaosat reads, is not set",
    "khaosat đọc hộp thư {intake}": "khaosat reads the mailbox {intake}",
    (
        "Cảnh báo: thư báo lỗi gửi (bounce) sẽ về {address}, nhưng {why}; "
        "phiếu không tới người nhận sẽ không được chuyển sang fax hay bưu điện."
    ): (
        "Warning: delivery reports (bounces) will go to {address}, but {why}; "
        "forms that do not reach their recipient will not be moved to fax or post."
    ),
    # mailer/printing.py, mailer/board.py
    "kênh {channel} không phải kênh in (post hoặc counter)": "the channel {channel} is not a printing channel (post or counter)",
    "không có lô in số {batch_id}": "no print batch no. {batch_id}",
    (
        "chưa cấu hình người nhận báo cáo: ghi [report] board_emails trong config.toml "
        "(hoặc KHAOSAT_REPORT__BOARD_EMAILS='[\"iso@example.gov.vn\"]')"
    ): (
        "no recipients of the report are configured: set [report] board_emails in config.toml "
        "(or KHAOSAT_REPORT__BOARD_EMAILS='[\"iso@example.gov.vn\"]')"
    ),
    # web/staff/accounts.py: `khaosat user add|passwd|disable`
    "mật khẩu cần ít nhất {count} ký tự": "the password needs at least {count} characters",
    "mật khẩu không được bắt đầu hay kết thúc bằng khoảng trắng": "the password must not begin or end with a space",
    "tên {name}: 1–64 ký tự gồm chữ thường không dấu, số, '.', '_' hoặc '-'": (
        "name {name}: 1–64 characters, lower-case unaccented letters, digits, '.', '_' or '-'"
    ),
    "đã có tài khoản {name}": "the account {name} exists already",
    "vai trò unit cần --unit MÃ của một đơn vị đã biết (không có {code})": (
        "the unit role needs --unit CODE of a known unit (there is no {code})"
    ),
    "chỉ vai trò unit mới gắn với một đơn vị (vai trò {role} không nhận --unit)": (
        "only the unit role is tied to a unit (the role {role} takes no --unit)"
    ),
    "không có tài khoản {name}": "no account {name}",
    # web/api/keys.py: `khaosat apikey`
    "tên “{name}” không hợp lệ: chữ, số, dấu chấm, gạch ngang, gạch dưới; tối đa 64 ký tự": (
        "the name “{name}” is not valid: letters, digits, dots, hyphens, underscores; at most 64 characters"
    ),
    "đã có khóa API tên “{name}”": "an API key named “{name}” exists already",
    "không có khóa API tên “{name}”": "no API key named “{name}”",
    # database.py
    "khóa cấu hình 'database.url' không dùng được: {error}": "configuration key 'database.url' cannot be used: {error}",
    "cơ sở dữ liệu {database} chưa được khởi tạo: hãy chạy `khaosat init`": (
        "the database {database} is not initialised: run `khaosat init`"
    ),
    (
        "cơ sở dữ liệu {database} có lược đồ phiên bản {revision}, cũ hơn phiên bản {code} "
        "mà khaosat này dùng: hãy chạy `khaosat init` để nâng cấp"
    ): (
        "the database {database} has schema revision {revision}, older than the revision {code} "
        "this khaosat uses: run `khaosat init` to upgrade it"
    ),
    (
        "cơ sở dữ liệu {database} có lược đồ phiên bản {revision}, mới hơn phiên bản {code} "
        "mà khaosat này dùng: hãy cài khaosat mới hơn"
    ): (
        "the database {database} has schema revision {revision}, newer than the revision {code} "
        "this khaosat uses: install a newer khaosat"
    ),
    "cơ sở dữ liệu {database} không tồn tại trên máy chủ: hãy tạo nó (createdb) rồi chạy `khaosat init`": (
        "the database {database} does not exist on the server: create it (createdb), then run `khaosat init`"
    ),
    "không kết nối được máy chủ cơ sở dữ liệu {database}: máy chủ chưa chạy hoặc không nhận kết nối": (
        "cannot connect to the database server of {database}: the server is not running or refuses connections"
    ),
    "không dùng được cơ sở dữ liệu {database}: {detail}": "cannot use the database {database}: {detail}",
    # scheduler.py: the schedule in words (`khaosat status`)
    "tắt": "off",
    "mỗi {minutes} phút": "every {minutes} minutes",
    # review/service.py: `khaosat review resolve`
    "cần tên người xử lý (--by)": "the reviewer's name is needed (--by)",
    "trước đó": "earlier",
    "mục {id} đã được xử lý ({state}) bởi {by} lúc {when}": "item {id} was already settled ({state}) by {by} at {when}",
    "mã phiếu “{text}” không hợp lệ: mã có 8 ký tự dạng XXXX-XXXX, ví dụ 7K3M-Q9TX": (
        "form code “{text}” is not valid: a code has 8 characters, XXXX-XXXX, for example 7K3M-Q9TX"
    ),
    "không có phiếu khảo sát mã {code}": "no survey form with the code {code}",
    "mục {id} ({kind}) đã gắn với phiếu; dùng --answer hoặc --reject": "item {id} ({kind}) is already tied to a form; use --answer or --reject",
    "mục {id} ({kind}) không nhập câu trả lời được; dùng --keep hoặc --reject": "item {id} ({kind}) takes no answers; use --keep or --reject",
    "mục {id} ({kind}) không phải hai phiếu trả lời khác nhau": "item {id} ({kind}) is not two differing replies",
    "mục {id} ({kind}) không có trang phiếu nào để ghép; dùng --survey hoặc --answer": (
        "item {id} ({kind}) has no pages to join; use --survey or --answer"
    ),
    "mục {id}: phiếu trả lời này đang được tính; chọn phiếu bằng --keep": "item {id}: this reply is the one counted; choose a reply with --keep",
    "cần ghi lý do từ chối": "a reason for the rejection is needed",
    "mục {id} ({kind}) không phải lỗi khi xử lý thư: không thử lại được": (
        "item {id} ({kind}) is not a processing error: it cannot be retried"
    ),
    "mục {id}: xử lý lại vẫn lỗi: {error}": "item {id}: processing again still fails: {error}",
    "mục {id} chưa gắn với phiếu nào: ghi mã phiếu (--survey MÃ)": "item {id} is not tied to a form: give the form code (--survey CODE)",
    # dossiers/: the import report's rejections and warnings, the files refused
    "Thiếu mã hồ sơ": "Dossier code missing",
    "Mã hồ sơ dài quá {limit} ký tự": "Dossier code longer than {limit} characters",
    "Thiếu thủ tục (mã hoặc tên thủ tục)": "Procedure missing (its code or its name)",
    "Thiếu đơn vị xử lý": "Handling unit missing",
    "Thiếu ngày tiếp nhận": "Date received missing",
    "Ngày tiếp nhận không đọc được: “{value}”": "Date received unreadable: “{value}”",
    "Ngày trả kết quả không đọc được: “{value}”; để trống": "Date returned unreadable: “{value}”; left empty",
    "Số fax": "Fax number",
    "Số điện thoại": "Phone number",
    "{label}: ô có nhiều giá trị; dùng {kept}, bỏ {dropped}": "{label}: the cell holds several values; using {kept}, dropping {dropped}",
    "Email không hợp lệ: “{value}”": "Email not valid: “{value}”",
    "{label} không hợp lệ: “{value}”": "{label} not valid: “{value}”",
    "Mã hồ sơ {code} đã có ở dòng {row}; dùng dòng này": "Dossier code {code} already on row {row}; this row is used",
    "{file}: tệp không có dữ liệu": "{file}: the file holds no data",
    "{file}: không phải tệp .xlsx hoặc .csv": "{file}: not an .xlsx or .csv file",
    "{file}: định dạng {suffix} không được hỗ trợ; hãy lưu lại thành .xlsx": "{file}: the {suffix} format is not supported; save it again as .xlsx",
    "{file}: không đọc được tệp Excel ({error})": "{file}: cannot read the Excel file ({error})",
    "{file}: tệp Excel bị hỏng ({error})": "{file}: the Excel file is damaged ({error})",
    "{file}: không đọc được tệp ({error})": "{file}: cannot read the file ({error})",
    "{file}: tệp CSV hỏng ({error})": "{file}: the CSV file is damaged ({error})",
    (
        "{kind} chưa có trong cấu hình: “{name}”; đã đặt mã {code}. "
        "Để giữ mã này (hoặc đổi mã khác), thêm vào config.toml:\n{lines}"
    ): (
        "{kind} not in the configuration: “{name}”; given the code {code}. "
        "To keep this code (or choose another), add to config.toml:\n{lines}"
    ),
    "{kind} “{name}”: mã {old} đổi thành {new} theo [[{table}]] của cấu hình": (
        "{kind} “{name}”: code {old} changed to {new} as the configuration's [[{table}]] says"
    ),
    # reports/subunit_results.py, reports/subunit_workbook.py: `khaosat subunit import` refusing a file
    "Trang '{sheet}', ô {cell}": "Sheet '{sheet}', cell {cell}",
    "Tệp JSON, {cell}": "JSON file, {cell}",
    " (và {count} lỗi khác)": " (and {count} more errors)",
    "; chưa nhập gì": "; nothing imported",
    "thiếu {label}": "{label} missing",
    "{label} phải là chữ (định dạng Text), không phải {kind}": "{label} must be text (Text format), not {kind}",
    "{label} dài {length} ký tự, quá {limit}": "{label} is {length} characters long, more than {limit}",
    "{label} phải là số nguyên từ 0 đến {limit}, không phải {shown}": "{label} must be a whole number from 0 to {limit}, not {shown}",
    "… và {count} lỗi khác": "… and {count} more errors",
    "giá trị đúng/sai": "a true/false value",
    "số {number}": "the number {number}",
    "ngày {day}": "the date {day}",
    "tên đợt (ví dụ 2026-1)": "the round's name (for example 2026-1)",
    "không có đợt “{name}”: ghi NĂM-ĐỢT, ví dụ 2026-1": "no round “{name}”: write YEAR-ROUND, for example 2026-1",
    "mã đơn vị": "the unit code",
    "tên đơn vị": "the unit name",
    "mã thủ tục": "the procedure code",
    "tên thủ tục": "the procedure name",
    "số hồ sơ": "the number of dossiers",
    "số phiếu đã gửi": "the number of forms sent",
    "số phiếu thu về": "the number of forms returned",
    "số ý kiến “{value}” của câu {question}": "the number of answers “{value}” to question {question}",
    "số phiếu đã gửi ({sent}) lớn hơn số hồ sơ ({dossiers})": "forms sent ({sent}) more than dossiers ({dossiers})",
    "số phiếu thu về ({returned}) lớn hơn số phiếu đã gửi ({sent})": "forms returned ({returned}) more than forms sent ({sent})",
    "câu {question}: tổng số ý kiến ({given}) lớn hơn số phiếu thu về ({returned})": (
        "question {question}: answers in all ({given}) more than forms returned ({returned})"
    ),
    "đơn vị {unit}, thủ tục {procedure} đã có ({place}): mỗi cặp chỉ ghi một hàng": (
        "unit {unit}, procedure {procedure} already given ({place}): one row per pair"
    ),
    "Tệp JSON: không đọc được ({error})": "JSON file: unreadable ({error})",
    "không phải tệp của “khaosat report round --format json” (thiếu “format”: “{format}”)": (
        "not a file of “khaosat report round --format json” (“format”: “{format}” missing)"
    ),
    "phiên bản {version} chưa đọc được (khaosat này đọc {known})": "version {version} cannot be read yet (this khaosat reads {known})",
    "tên đơn vị báo cáo": "the reporting unit's name",
    "phiên bản phiếu": "the form version",
    "thiếu danh sách số liệu “counts”": "the list of figures “counts” is missing",
    "không có đơn vị nào có số liệu": "no unit has figures",
    "mỗi mục phải là một đối tượng JSON": "each entry must be a JSON object",
    "phải là đối tượng JSON {shape}": "must be a JSON object {shape}",
    "{{câu: {{giá trị: số}}}}": "{{question: {{value: count}}}}",
    "{{giá trị: số}}": "{{value: count}}",
    "câu “{question}” không có trong phiếu khảo sát của Sở": "question “{question}” is not in the Department's questionnaire",
    "câu {question} không có lựa chọn “{value}”": "question {question} has no option “{value}”",
    "không có trang “{name}”: hãy dùng mẫu của khaosat subunit template": "no sheet “{name}”: use the template of khaosat subunit template",
    "mẫu theo phiếu phiên bản {version}, phiếu hiện hành là {current}: hãy lập lại bằng mẫu mới (khaosat subunit template)": (
        "the template follows form version {version}, the current form is {current}: fill in a new template (khaosat subunit template)"
    ),
    "thiếu cột “{key}”: không thêm, bớt cột của mẫu": "column “{key}” missing: do not add or remove the template's columns",
    "cột “{key}” không có trong mẫu": "column “{key}” is not in the template",
    "cột “{key}” lặp lại": "column “{key}” repeated",
    "chưa có hàng nào có số liệu": "no row has figures yet",
    "Tệp: quá lớn ({size} MB), không phải một bảng kết quả": "File: too large ({size} MB), not a results workbook",
    "giải nén ra {size} MB": "unpacks to {size} MB",
    "Tệp: không đọc được như một tệp Excel (.xlsx): {error}": "File: cannot be read as an Excel file (.xlsx): {error}",
    "công thức chưa có giá trị: mở tệp bằng Excel, lưu lại rồi gửi": "formula without a value: open the file in Excel, save it, then send it",
    "A1 (không thấy dòng “{label}”)": "A1 (no row “{label}” found)",
}
