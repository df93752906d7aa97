-- The county-wide and per-unit counts by SLA status read only the open,
-- accepted cases: a partial index of just those, with every column the
-- counts test (so it covers them), lets them read the index alone instead
-- of every case ever stored, so they stay fast as the table grows.
CREATE INDEX cases_open_unit ON cases (unit, state, deadline, warn_from, concluded_on, accepted_on)
    WHERE concluded_on IS NULL AND accepted_on IS NOT NULL;
