-- Given: the checker creates this table in a schema of its own for every run.
CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,   -- SHA-256 of the token (hex): the token itself is never stored
  family_id  uuid NOT NULL,      -- one login: every token rotated from it stays in its family
  user_id    text NOT NULL,
  used_at    timestamptz,        -- set when this token was exchanged for the next one
  revoked_at timestamptz         -- set on every token of the family when reuse is detected
);
