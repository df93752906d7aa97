-- 好差评: ratings of concluded cases (一事一评) and window visits (一次一评),
-- the rectification order (整改) each 差评 opens, and the unguessable
-- token printed (as a QR code) on a case's 办结通知书 that lets its
-- applicant rate it without signing in.

CREATE TABLE ratings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Exactly one of case_id / visit_id; UNIQUE makes "once" hold under races.
    case_id      INTEGER UNIQUE REFERENCES cases(id),
    visit_id     INTEGER UNIQUE REFERENCES visits(id),
    -- The level by its label (very_satisfied … very_dissatisfied), never a number.
    rating       TEXT NOT NULL,
    channel      TEXT NOT NULL,
    reasons      TEXT NOT NULL,
    comment      TEXT NOT NULL,
    rater        TEXT NOT NULL,
    -- Who is rated: the responsible department, the hall (window) unit,
    -- the staff member and the matter.
    unit         TEXT NOT NULL REFERENCES units(code),
    window_unit  TEXT NOT NULL REFERENCES units(code),
    staff        TEXT NOT NULL,
    matter_code  TEXT NOT NULL,
    rated_on     TEXT NOT NULL,
    rated_at     TEXT NOT NULL,
    CHECK ((case_id IS NULL) <> (visit_id IS NULL))
);
CREATE INDEX ratings_rated_on ON ratings (rated_on);

CREATE TABLE rectifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    rating_id   INTEGER NOT NULL UNIQUE REFERENCES ratings(id),
    unit        TEXT NOT NULL REFERENCES units(code),
    state       TEXT NOT NULL,
    deadline    TEXT NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX rectifications_unit_state ON rectifications (unit, state, deadline);

CREATE TABLE rating_tokens (
    case_id     INTEGER PRIMARY KEY REFERENCES cases(id),
    token       TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);
