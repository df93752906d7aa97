-- Staff find a case by the applicant's name (姓名 or 企业名称) as well as by
-- receipt number, identifier and matter. The name never changes after a
-- case is opened, so it is a plain column written at insert (an index on an
-- expression over the body would be rewritten on every step).
ALTER TABLE cases ADD COLUMN applicant_name TEXT NOT NULL DEFAULT '';
UPDATE cases SET applicant_name = COALESCE(body->'applicant'->>'name', '');
CREATE INDEX cases_applicant_name ON cases (applicant_name);
