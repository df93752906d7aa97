-- A unit's inbox page, the 预警 and 超期 lists and the SLA counts read
-- what one page or one answer needs, not every case held, running or stored.

-- The inbox in its own order (deadline ascending, cases without one last,
-- then case id) straight from the index: a page reads its own rows only.
-- It replaces the (unit, deadline) index, which left ties on the deadline
-- to be sorted.
CREATE INDEX case_holders_page ON case_holders (unit, deadline, case_id);
DROP INDEX case_holders_inbox;

-- The 预警 and 超期 lists in their order (deadline, then id) from the open
-- cases' index, with the 预警 day in it so the list's test on it is made in
-- the index. It replaces the (deadline) index, which left ties to be sorted.
CREATE INDEX cases_open_by_deadline ON cases (deadline, id, warn_from)
    WHERE deadline IS NOT NULL AND concluded_on IS NULL;
DROP INDEX cases_open_deadline;

-- The open, accepted cases counted by unit and clock: how many share each
-- deadline and 预警 day, and whether they are suspended. The counts by SLA
-- status sum this table (a row per unit and clock among the open cases:
-- 9,210 rows for 304,018 open of 10 million generated cases) instead of
-- reading every running case. '-infinity' stands for no running
-- clock (NULL cannot be part of the key). The triggers below keep it in step
-- with every write to `cases`, in the same transaction, whatever the path.
CREATE TABLE case_sla_tally (
    unit       TEXT NOT NULL,
    deadline   DATE NOT NULL,
    warn_from  DATE NOT NULL,
    suspended  BOOLEAN NOT NULL,
    cases      BIGINT NOT NULL,
    PRIMARY KEY (unit, deadline, warn_from, suspended)
);

INSERT INTO case_sla_tally (unit, deadline, warn_from, suspended, cases)
SELECT unit, COALESCE(deadline, '-infinity'), COALESCE(warn_from, '-infinity'), state = 'suspended', COUNT(*)
FROM cases WHERE concluded_on IS NULL AND accepted_on IS NOT NULL
GROUP BY 1, 2, 3, 4;

-- Adds `n` (1 or -1) to the tally row of one clock; a row that falls to
-- zero is removed, so the table holds only the clocks of open cases.
CREATE FUNCTION case_sla_tally_add(u TEXT, d DATE, w DATE, s BOOLEAN, n BIGINT) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO case_sla_tally AS t (unit, deadline, warn_from, suspended, cases)
    VALUES (u, COALESCE(d, '-infinity'), COALESCE(w, '-infinity'), s, n)
    ON CONFLICT (unit, deadline, warn_from, suspended) DO UPDATE SET cases = t.cases + EXCLUDED.cases;
    DELETE FROM case_sla_tally
    WHERE unit = u AND deadline = COALESCE(d, '-infinity') AND warn_from = COALESCE(w, '-infinity')
      AND suspended = s AND cases = 0;
$$;

CREATE FUNCTION cases_sla_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was BOOLEAN := TG_OP <> 'INSERT' AND OLD.concluded_on IS NULL AND OLD.accepted_on IS NOT NULL;
    now_ BOOLEAN := TG_OP <> 'DELETE' AND NEW.concluded_on IS NULL AND NEW.accepted_on IS NOT NULL;
BEGIN
    -- A case moving between two rows takes their locks in key order, so two
    -- cases moving the opposite way at once cannot deadlock.
    IF was AND now_ AND (NEW.unit, COALESCE(NEW.deadline, '-infinity'), COALESCE(NEW.warn_from, '-infinity'), NEW.state = 'suspended')
                      < (OLD.unit, COALESCE(OLD.deadline, '-infinity'), COALESCE(OLD.warn_from, '-infinity'), OLD.state = 'suspended') THEN
        PERFORM case_sla_tally_add(NEW.unit, NEW.deadline, NEW.warn_from, NEW.state = 'suspended', 1);
        PERFORM case_sla_tally_add(OLD.unit, OLD.deadline, OLD.warn_from, OLD.state = 'suspended', -1);
        RETURN NULL;
    END IF;
    IF was THEN
        PERFORM case_sla_tally_add(OLD.unit, OLD.deadline, OLD.warn_from, OLD.state = 'suspended', -1);
    END IF;
    IF now_ THEN
        PERFORM case_sla_tally_add(NEW.unit, NEW.deadline, NEW.warn_from, NEW.state = 'suspended', 1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER cases_sla_tally_insert AFTER INSERT ON cases FOR EACH ROW
    WHEN (NEW.concluded_on IS NULL AND NEW.accepted_on IS NOT NULL)
    EXECUTE FUNCTION cases_sla_tally();

-- Only when the case is or was counted and its place in the tally moves.
CREATE TRIGGER cases_sla_tally_update AFTER UPDATE ON cases FOR EACH ROW
    WHEN ((OLD.concluded_on IS NULL AND OLD.accepted_on IS NOT NULL
           OR NEW.concluded_on IS NULL AND NEW.accepted_on IS NOT NULL)
          AND (OLD.concluded_on, OLD.accepted_on, OLD.unit, OLD.deadline, OLD.warn_from, OLD.state = 'suspended')
              IS DISTINCT FROM
              (NEW.concluded_on, NEW.accepted_on, NEW.unit, NEW.deadline, NEW.warn_from, NEW.state = 'suspended'))
    EXECUTE FUNCTION cases_sla_tally();

CREATE TRIGGER cases_sla_tally_delete AFTER DELETE ON cases FOR EACH ROW
    WHEN (OLD.concluded_on IS NULL AND OLD.accepted_on IS NOT NULL)
    EXECUTE FUNCTION cases_sla_tally();

-- The counts no longer read the open cases themselves.
DROP INDEX cases_open_unit;
