-- Recoverable lockout and scrypt password hashes (docs/security.md, docs/adr/0007-password-storage.md).
-- locked_at: when failed attempts locked the user; NULL for users an admin locked or disabled
-- (and for locks taken before this migration), which never expire.
ALTER TABLE dh_user ADD COLUMN IF NOT EXISTS locked_at TIMESTAMP(3);
-- `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` is about 90 characters; the reference hash is 44. Widening
-- a VARCHAR only changes the catalog (no table rewrite) on PostgreSQL 15 and PGlite alike.
ALTER TABLE dh_user ALTER COLUMN password_hash TYPE VARCHAR(255);
