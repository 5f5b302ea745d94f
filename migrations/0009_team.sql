-- Team accounts (src/team/): members with a role, their server-side sessions, single-use
-- invites, passkeys, and WebAuthn challenges. Tokens are stored only as SHA-256 hashes.
CREATE TABLE members (
  id            TEXT    PRIMARY KEY,           -- mem_<ULID>, or mem_owner for the deployment's owner
  email         TEXT    NOT NULL UNIQUE,       -- lower-cased
  name          TEXT    NOT NULL,
  role          TEXT    NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
  password_hash TEXT,                          -- pbkdf2-sha256$<iterations>$<salt>$<hash>, or NULL (passkey only / owner on ADMIN_PASSWORD)
  created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  id           TEXT    PRIMARY KEY,            -- ses_<ULID>: how an owner names a session to end it
  token_hash   TEXT    NOT NULL UNIQUE,        -- sha256 of the cookie's token
  member_id    TEXT    NOT NULL,
  csrf         TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  ip           TEXT,
  user_agent   TEXT
);
CREATE INDEX sessions_member ON sessions (member_id, created_at);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE invites (
  id           TEXT    PRIMARY KEY,            -- inv_<ULID>
  token_hash   TEXT    NOT NULL UNIQUE,
  email        TEXT    NOT NULL,
  role         TEXT    NOT NULL CHECK (role IN ('admin', 'viewer')),
  invited_by   TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  accepted_at  INTEGER,
  revoked_at   INTEGER
);
CREATE INDEX invites_created ON invites (created_at);

CREATE TABLE passkeys (
  id           TEXT    PRIMARY KEY,            -- the credential id (base64url)
  member_id    TEXT    NOT NULL,
  public_key   TEXT    NOT NULL,               -- COSE public key (base64url)
  counter      INTEGER NOT NULL,
  transports   TEXT,                           -- JSON array
  created_at   INTEGER NOT NULL
);
CREATE INDEX passkeys_member ON passkeys (member_id);

-- WebAuthn challenges: single-use (deleted when read), short-lived.
CREATE TABLE webauthn_challenges (
  challenge    TEXT    PRIMARY KEY,
  purpose      TEXT    NOT NULL,               -- 'register' | 'sign-in'
  subject      TEXT,                           -- the invite id or member id a registration is for
  expires_at   INTEGER NOT NULL
) WITHOUT ROWID;

-- Projects being deleted: their events go in bounded chunks (the request starts, the cron finishes).
CREATE TABLE project_deletions (
  project_id   TEXT    PRIMARY KEY,
  requested_at INTEGER NOT NULL,
  finished_at  INTEGER
) WITHOUT ROWID;
