-- Files an applicant uploaded for a case (an online application, a 容缺
-- supplement). The file itself lives under the data directory at
-- stored_path (uploads/<case id>/<sha256>); this row says what it is.

CREATE TABLE attachments (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       BIGINT NOT NULL REFERENCES cases(id),
    material      TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL CHECK (size >= 0),
    sha256        TEXT NOT NULL,
    stored_path   TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id, id);
