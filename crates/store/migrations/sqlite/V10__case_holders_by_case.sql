-- Every case write replaces the case's rows in case_holders by case_id, but
-- the table's keys both start with the unit, so that lookup read every row
-- of every open case. This index makes it a read of the case's own rows.
CREATE INDEX case_holders_case ON case_holders (case_id);
