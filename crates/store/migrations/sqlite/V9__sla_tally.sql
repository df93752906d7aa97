-- A unit's inbox page, the 预警 and 超期 lists and the SLA counts read
-- what one page or one answer needs, not every case held, running or stored.

-- The inbox in its own order (cases with a deadline first, by deadline, then
-- those without, then by case id) straight from the index: a page reads its
-- own rows only. It replaces the (unit, deadline) index, which could not
-- give that order.
CREATE INDEX case_holders_page ON case_holders (unit, deadline IS NULL, deadline, case_id);
DROP INDEX case_holders_inbox;

-- The open, accepted cases counted by unit and clock: how many share each
-- deadline and 预警 day, and whether they are suspended. The counts by SLA
-- status sum this table (a row per unit and clock among the open cases:
-- 9,210 rows for 304,018 open of 10 million generated cases) instead of
-- reading every running case. '' stands for no running clock
-- (NULL cannot be part of the key). The triggers below keep it in step with
-- every write to `cases`, in the same transaction, whatever the path.
CREATE TABLE case_sla_tally (
    unit       TEXT NOT NULL,
    deadline   TEXT NOT NULL,
    warn_from  TEXT NOT NULL,
    suspended  INTEGER NOT NULL,
    cases      INTEGER NOT NULL,
    PRIMARY KEY (unit, deadline, warn_from, suspended)
) WITHOUT ROWID;

INSERT INTO case_sla_tally (unit, deadline, warn_from, suspended, cases)
SELECT unit, IFNULL(deadline, ''), IFNULL(warn_from, ''), state = 'suspended', COUNT(*)
FROM cases WHERE concluded_on IS NULL AND accepted_on IS NOT NULL
GROUP BY 1, 2, 3, 4;

CREATE TRIGGER cases_sla_tally_insert AFTER INSERT ON cases
WHEN NEW.concluded_on IS NULL AND NEW.accepted_on IS NOT NULL
BEGIN
    INSERT INTO case_sla_tally (unit, deadline, warn_from, suspended, cases)
    VALUES (NEW.unit, IFNULL(NEW.deadline, ''), IFNULL(NEW.warn_from, ''), NEW.state = 'suspended', 1)
    ON CONFLICT (unit, deadline, warn_from, suspended) DO UPDATE SET cases = cases + 1;
END;

-- Only when the case is or was counted and its place in the tally moves.
CREATE TRIGGER cases_sla_tally_update AFTER UPDATE OF unit, state, accepted_on, concluded_on, deadline, warn_from ON cases
WHEN (OLD.concluded_on IS NULL AND OLD.accepted_on IS NOT NULL
      OR NEW.concluded_on IS NULL AND NEW.accepted_on IS NOT NULL)
 AND (OLD.concluded_on IS NOT NEW.concluded_on OR OLD.accepted_on IS NOT NEW.accepted_on
      OR OLD.unit IS NOT NEW.unit OR OLD.deadline IS NOT NEW.deadline
      OR OLD.warn_from IS NOT NEW.warn_from
      OR (OLD.state = 'suspended') IS NOT (NEW.state = 'suspended'))
BEGIN
    UPDATE case_sla_tally SET cases = cases - 1
    WHERE OLD.concluded_on IS NULL AND OLD.accepted_on IS NOT NULL
      AND unit = OLD.unit AND deadline = IFNULL(OLD.deadline, '')
      AND warn_from = IFNULL(OLD.warn_from, '') AND suspended = (OLD.state = 'suspended');
    DELETE FROM case_sla_tally
    WHERE cases = 0 AND unit = OLD.unit AND deadline = IFNULL(OLD.deadline, '')
      AND warn_from = IFNULL(OLD.warn_from, '') AND suspended = (OLD.state = 'suspended');
    INSERT INTO case_sla_tally (unit, deadline, warn_from, suspended, cases)
    SELECT NEW.unit, IFNULL(NEW.deadline, ''), IFNULL(NEW.warn_from, ''), NEW.state = 'suspended', 1
    WHERE NEW.concluded_on IS NULL AND NEW.accepted_on IS NOT NULL
    ON CONFLICT (unit, deadline, warn_from, suspended) DO UPDATE SET cases = cases + 1;
END;

CREATE TRIGGER cases_sla_tally_delete AFTER DELETE ON cases
WHEN OLD.concluded_on IS NULL AND OLD.accepted_on IS NOT NULL
BEGIN
    UPDATE case_sla_tally SET cases = cases - 1
    WHERE unit = OLD.unit AND deadline = IFNULL(OLD.deadline, '')
      AND warn_from = IFNULL(OLD.warn_from, '') AND suspended = (OLD.state = 'suspended');
    DELETE FROM case_sla_tally
    WHERE cases = 0 AND unit = OLD.unit AND deadline = IFNULL(OLD.deadline, '')
      AND warn_from = IFNULL(OLD.warn_from, '') AND suspended = (OLD.state = 'suspended');
END;

-- The counts no longer read the open cases themselves.
DROP INDEX cases_open_unit;
