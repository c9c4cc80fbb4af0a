-- Up Migration
-- jwt-dpop: the thumbprint (RFC 7638) of the key a login's refresh tokens are bound to (RFC 9449 §5);
-- a refresh or logout must prove possession of that key. NULL for every other strategy.
ALTER TABLE refresh_tokens ADD COLUMN dpop_jkt text;

-- Down Migration
ALTER TABLE refresh_tokens DROP COLUMN dpop_jkt;
