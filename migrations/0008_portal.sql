-- The customer-facing viewer (issue 10): single-use links, the sessions they open, and
-- the actions each organization has seen (the viewer's action picker never lists
-- another organization's actions and never scans events).

-- A link from POST /portal/generate_link. Only sha256 of its secret is kept; opening it
-- sets used_at once (UPDATE ... WHERE used_at IS NULL RETURNING): single use.
CREATE TABLE portal_links (
  token_hash      TEXT PRIMARY KEY,
  id              TEXT NOT NULL,
  project_id      TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  return_url      TEXT,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  used_at         INTEGER
) WITHOUT ROWID;
CREATE INDEX portal_links_expires ON portal_links (expires_at);

-- A viewer session: one organization of one project, until expires_at. The cookie holds
-- the secret; only its sha256 is kept.
CREATE TABLE portal_sessions (
  secret_hash     TEXT PRIMARY KEY,
  id              TEXT NOT NULL,
  link_id         TEXT NOT NULL,
  project_id      TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  return_url      TEXT,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX portal_sessions_expires ON portal_sessions (expires_at);

CREATE TABLE organization_actions (
  project_id      TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  action          TEXT NOT NULL,
  PRIMARY KEY (project_id, organization_id, action)
) WITHOUT ROWID;
CREATE TRIGGER events_organization_actions AFTER INSERT ON events BEGIN
  INSERT OR IGNORE INTO organization_actions (project_id, organization_id, action)
  VALUES (new.project_id, new.organization_id, new.action);
END;
INSERT OR IGNORE INTO organization_actions (project_id, organization_id, action)
  SELECT DISTINCT project_id, organization_id, action FROM events;
