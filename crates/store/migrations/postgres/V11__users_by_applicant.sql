-- One person or enterprise, one account: registration looks up the account
-- already registered with a 身份证号 or 统一社会信用代码.
CREATE INDEX users_applicant ON users (applicant_id);
