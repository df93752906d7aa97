-- 接诉即办: hotline tickets. The ticket itself is kept as the domain's JSON
-- (body); the columns beside it are what lists and filters need. Units that
-- lead or co-operate on a ticket are rows of ticket_units, rewritten on each
-- change, so "the tickets of a unit" is the same SQL on both backends.

CREATE TABLE tickets (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version        BIGINT NOT NULL DEFAULT 1,
    kind           TEXT NOT NULL,
    urgency        TEXT NOT NULL,
    state          TEXT NOT NULL,
    category       TEXT NOT NULL,
    caller_phone   TEXT NOT NULL,
    lead_unit      TEXT,
    registered_at  TIMESTAMPTZ NOT NULL,
    api_client     TEXT,
    account_id     TEXT,
    media_url      TEXT,
    body           TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX tickets_state ON tickets (state, id);
CREATE INDEX tickets_registered ON tickets (registered_at);
CREATE INDEX tickets_phone ON tickets (caller_phone);

CREATE TABLE ticket_units (
    ticket_id  BIGINT NOT NULL REFERENCES tickets(id),
    unit       TEXT NOT NULL,
    part       TEXT NOT NULL CHECK (part IN ('lead', 'co')),
    PRIMARY KEY (ticket_id, unit)
);
CREATE INDEX ticket_units_unit ON ticket_units (unit, ticket_id);

CREATE TABLE ticket_events (
    ticket_id   BIGINT NOT NULL REFERENCES tickets(id),
    seq         BIGINT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL,
    actor_unit  TEXT NOT NULL,
    action      TEXT NOT NULL,
    payload     TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    PRIMARY KEY (ticket_id, seq)
);

-- Keys of Open311 GeoReport v2 clients; only the SHA-256 of a key is kept.
CREATE TABLE open311_keys (
    name        TEXT PRIMARY KEY,
    key_hash    TEXT NOT NULL UNIQUE,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    disabled    BOOLEAN NOT NULL DEFAULT FALSE
);
