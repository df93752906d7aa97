-- Cases, their timeline, the units holding them, idempotent creates,
-- broken commitments, the visit register, API tokens and the audit log.

CREATE TABLE cases (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_no          TEXT NOT NULL UNIQUE,
    matter_code         TEXT NOT NULL,
    matter_version      INTEGER NOT NULL,
    unit                TEXT NOT NULL REFERENCES units(code),
    intake_unit         TEXT NOT NULL REFERENCES units(code),
    applicant_id        TEXT NOT NULL,
    applicant_user      TEXT REFERENCES users(username),
    state               TEXT NOT NULL,
    channel             TEXT NOT NULL,
    submitted_on        TEXT NOT NULL,
    accepted_on         TEXT,
    concluded_on        TEXT,
    -- The promised clock as of the last change; NULL before acceptance and
    -- while suspended. 预警 from warn_from, 超期 after deadline.
    deadline            TEXT,
    warn_from           TEXT,
    statutory_deadline  TEXT,
    concluded_late      INTEGER NOT NULL DEFAULT 0,
    -- 容缺 materials still owed by this date (NULL when none are owed).
    supplement_by       TEXT,
    version             INTEGER NOT NULL,
    body                TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    FOREIGN KEY (matter_code, matter_version) REFERENCES matter_versions(code, version)
);
CREATE INDEX cases_unit_deadline ON cases (unit, deadline);
CREATE INDEX cases_intake_unit ON cases (intake_unit);
CREATE INDEX cases_applicant ON cases (applicant_id);
CREATE INDEX cases_state ON cases (state);
CREATE INDEX cases_open_deadline ON cases (deadline) WHERE deadline IS NOT NULL AND concluded_on IS NULL;

-- Units currently holding a case (open parallel steps, or issuing), for inboxes.
CREATE TABLE case_holders (
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    unit      TEXT NOT NULL,
    deadline  TEXT,
    PRIMARY KEY (unit, case_id)
);
CREATE INDEX case_holders_inbox ON case_holders (unit, deadline);

CREATE TABLE case_events (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    seq         INTEGER NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    actor_unit  TEXT NOT NULL,
    action      TEXT NOT NULL,
    payload     TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    effects     TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE idempotency_keys (
    username    TEXT NOT NULL,
    key         TEXT NOT NULL,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (username, key)
);

-- 容缺 commitments not kept by their date; the credit module reads these.
CREATE TABLE broken_commitments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    applicant_id  TEXT NOT NULL,
    materials     TEXT NOT NULL,
    due           TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
);

-- 每事必接: every window visit leaves a record, whatever its outcome.
CREATE TABLE visits (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    unit          TEXT NOT NULL REFERENCES units(code),
    clerk         TEXT NOT NULL,
    applicant_id  TEXT NOT NULL,
    matter_code   TEXT NOT NULL,
    case_id       INTEGER REFERENCES cases(id),
    outcome       TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES users(username),
    created_at  TEXT NOT NULL
);

-- Append-only, hash-chained: hash = sha256(prev_hash and this record's fields).
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    actor_unit  TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    before      TEXT,
    after       TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- The newest record's seq and hash, updated with every append, so that a
-- record removed from the end of the chain is noticed too.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
