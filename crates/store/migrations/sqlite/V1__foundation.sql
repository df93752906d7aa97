-- Foundation: organisation, calendar years, certificate list and versioned catalog.

CREATE TABLE units (
    code     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL,
    parent   TEXT REFERENCES units(code),
    example  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE users (
    username      TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    unit          TEXT NOT NULL REFERENCES units(code),
    role          TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- Years an admin loaded; they take precedence over the shipped arrangements.
CREATE TABLE calendar_years (
    year         INTEGER PRIMARY KEY,
    arrangement  TEXT NOT NULL,
    loaded_at    TEXT NOT NULL
);

CREATE TABLE certificates (
    code    TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    issuer  TEXT NOT NULL,
    basis   TEXT NOT NULL
);

-- Every published version of every matter. A version is never changed:
-- editing a matter inserts version n+1.
CREATE TABLE matter_versions (
    code          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    name          TEXT NOT NULL,
    unit          TEXT NOT NULL REFERENCES units(code),
    category      TEXT NOT NULL,
    body          TEXT NOT NULL,
    published_at  TEXT NOT NULL,
    PRIMARY KEY (code, version)
);

CREATE TRIGGER matter_versions_immutable BEFORE UPDATE ON matter_versions
BEGIN
    SELECT RAISE(ABORT, 'published matter versions never change');
END;

CREATE TRIGGER matter_versions_undeletable BEFORE DELETE ON matter_versions
BEGIN
    SELECT RAISE(ABORT, 'published matter versions are never deleted');
END;

-- The newest version per matter, kept by the store in the same transaction.
CREATE TABLE matters (
    code     TEXT PRIMARY KEY,
    version  INTEGER NOT NULL,
    FOREIGN KEY (code, version) REFERENCES matter_versions(code, version)
);

-- Which one-off initialisations have run (the default data, once per database).
CREATE TABLE seed_state (
    name       TEXT PRIMARY KEY,
    seeded_at  TEXT NOT NULL
);
