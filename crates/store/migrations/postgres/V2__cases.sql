-- Cases, their timeline, the units holding them, idempotent creates,
-- broken commitments, the visit register, API tokens and the audit log.

CREATE TABLE cases (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    receipt_no          TEXT NOT NULL UNIQUE,
    matter_code         TEXT NOT NULL,
    matter_version      INTEGER NOT NULL,
    unit                TEXT NOT NULL REFERENCES units(code),
    intake_unit         TEXT NOT NULL REFERENCES units(code),
    applicant_id        TEXT NOT NULL,
    applicant_user      TEXT REFERENCES users(username),
    state               TEXT NOT NULL,
    channel             TEXT NOT NULL,
    submitted_on        DATE NOT NULL,
    accepted_on         DATE,
    concluded_on        DATE,
    -- The promised clock as of the last change; NULL before acceptance and
    -- while suspended. 预警 from warn_from, 超期 after deadline.
    deadline            DATE,
    warn_from           DATE,
    statutory_deadline  DATE,
    concluded_late      BOOLEAN NOT NULL DEFAULT FALSE,
    -- 容缺 materials still owed by this date (NULL when none are owed).
    supplement_by       DATE,
    version             BIGINT NOT NULL,
    body                JSONB NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (matter_code, matter_version) REFERENCES matter_versions(code, version)
);
CREATE INDEX cases_unit_deadline ON cases (unit, deadline);
CREATE INDEX cases_intake_unit ON cases (intake_unit);
CREATE INDEX cases_applicant ON cases (applicant_id);
CREATE INDEX cases_state ON cases (state);
CREATE INDEX cases_open_deadline ON cases (deadline) WHERE deadline IS NOT NULL AND concluded_on IS NULL;

-- Units currently holding a case (open parallel steps, or issuing), for inboxes.
CREATE TABLE case_holders (
    case_id   BIGINT NOT NULL REFERENCES cases(id),
    unit      TEXT NOT NULL,
    deadline  DATE,
    PRIMARY KEY (unit, case_id)
);
CREATE INDEX case_holders_inbox ON case_holders (unit, deadline);

CREATE TABLE case_events (
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    seq         BIGINT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
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
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (username, key)
);

-- 容缺 commitments not kept by their date; the credit module reads these.
CREATE TABLE broken_commitments (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       BIGINT NOT NULL REFERENCES cases(id),
    applicant_id  TEXT NOT NULL,
    materials     TEXT NOT NULL,
    due           DATE NOT NULL,
    recorded_at   TIMESTAMPTZ NOT NULL
);

-- 每事必接: every window visit leaves a record, whatever its outcome.
CREATE TABLE visits (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            TIMESTAMPTZ NOT NULL,
    unit          TEXT NOT NULL REFERENCES units(code),
    clerk         TEXT NOT NULL,
    applicant_id  TEXT NOT NULL,
    matter_code   TEXT NOT NULL,
    case_id       BIGINT REFERENCES cases(id),
    outcome       TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES users(username),
    created_at  TIMESTAMPTZ NOT NULL
);

-- Append-only, hash-chained: hash = sha256(prev_hash and this record's fields).
-- Hashed fields are TEXT so they read back byte for byte as they were hashed.
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
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

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- The newest record's seq and hash, updated with every append, so that a
-- record removed from the end of the chain is noticed too.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
