-- Signing in: passwords, applicants' own identifiers, database sessions,
-- login attempts (for rate limiting), and the units taking part in a case
-- (for per-unit scoping).

-- An Argon2id PHC string; NULL = the account cannot sign in.
ALTER TABLE users ADD COLUMN password_hash TEXT;
-- For applicants: the 居民身份证号 or 统一社会信用代码 they registered with, and a phone.
ALTER TABLE users ADD COLUMN applicant_id TEXT;
ALTER TABLE users ADD COLUMN phone TEXT;
-- A disabled account cannot sign in and its sessions end.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

-- One row per signed-in browser. Only the SHA-256 of the cookie's random id
-- is kept, so a copy of the database does not let anyone take a session over.
CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES users(username),
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    -- Idle timeout: moved forward by activity, never past expires_at.
    idle_until  TEXT NOT NULL,
    -- Absolute lifetime.
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (username);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Every sign-in attempt, for the rate limit (failures per username and per address).
CREATE TABLE login_attempts (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    username  TEXT NOT NULL,
    ip        TEXT NOT NULL,
    at        TEXT NOT NULL,
    success   INTEGER NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts (username, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

-- Every unit with a part in a case: its responsible unit and the unit of
-- each of its steps, whether or not the step is open yet or done already.
-- A department sees the cases it has a part in (case_holders only says who
-- holds a case now).
CREATE TABLE case_units (
    case_id  INTEGER NOT NULL REFERENCES cases(id),
    unit     TEXT NOT NULL,
    PRIMARY KEY (unit, case_id)
);

INSERT OR IGNORE INTO case_units (case_id, unit)
    SELECT id, unit FROM cases;
INSERT OR IGNORE INTO case_units (case_id, unit)
    SELECT c.id, json_extract(s.value, '$.unit')
    FROM cases c, json_each(c.body, '$.steps') s
    WHERE json_extract(s.value, '$.unit') IS NOT NULL;
