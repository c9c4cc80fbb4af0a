-- Up Migration
-- The session-pg strategy's store: one row per session, found by primary key on every request.
CREATE TABLE sessions (
  sid text PRIMARY KEY,
  data jsonb NOT NULL,
  expires_at timestamptz NOT NULL
);
-- The sweeper deletes expired rows by this index.
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- Down Migration
DROP TABLE sessions;
