-- Up Migration
-- Whose session a row is, so a password change can end every session of that user at once.
ALTER TABLE sessions ADD COLUMN user_id uuid REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Down Migration
DROP INDEX sessions_user_id_idx;
ALTER TABLE sessions DROP COLUMN user_id;
