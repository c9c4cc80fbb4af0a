-- Up Migration
-- Which browser a login (refresh family) was made from, for the list of a user's active logins.
ALTER TABLE refresh_tokens ADD COLUMN user_agent text;
-- A user's families, listed and ended by user and strategy.
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id, strategy);

-- Down Migration
DROP INDEX refresh_tokens_user_id_idx;
ALTER TABLE refresh_tokens DROP COLUMN user_agent;
