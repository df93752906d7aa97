-- Files an applicant uploaded for a case (an online application, a 容缺
-- supplement). The file itself lives under the data directory at
-- stored_path (uploads/<case id>/<sha256>); this row says what it is.

CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    material      TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL CHECK (size >= 0),
    sha256        TEXT NOT NULL,
    stored_path   TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   TEXT NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id, id);
