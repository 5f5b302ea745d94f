-- Organizations (the WorkOS Organizations API, per project), retention and legal holds per
-- organization, the record of what each purge removed, and event counts in the catalog.

-- An organization created through the API. Ids are `org_` + a ULID, so the primary key
-- orders a project's organizations by creation (the list's keyset order).
CREATE TABLE organizations (
  project_id  TEXT    NOT NULL,
  id          TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  external_id TEXT,
  domains     TEXT    NOT NULL,   -- [{"id", "domain", "state"}] (JSON)
  metadata    TEXT    NOT NULL,   -- {"key": "value"} (JSON)
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (project_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX organizations_external_id ON organizations (project_id, external_id) WHERE external_id IS NOT NULL;

-- Each organization's domains, for the list's `domains` filter (an index lookup, then the organizations).
CREATE TABLE organization_domains (
  project_id      TEXT NOT NULL,
  domain          TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  PRIMARY KEY (project_id, domain, organization_id)
) WITHOUT ROWID;
CREATE INDEX organization_domains_org ON organization_domains (project_id, organization_id);

-- Retention and legal hold of one organization id of a project: any id events name, created
-- through the API or not. retention_set = 0: the project's default applies;
-- retention_set = 1: retention_days applies (NULL: keep forever).
CREATE TABLE organization_settings (
  project_id      TEXT    NOT NULL,
  organization_id TEXT    NOT NULL,
  retention_set   INTEGER NOT NULL DEFAULT 0,
  retention_days  INTEGER,
  legal_hold      INTEGER NOT NULL DEFAULT 0,
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (project_id, organization_id)
) WITHOUT ROWID;

-- One row per purge chunk: what it removed. Written first in the chunk's batch (the chunk's
-- deletions run only when this row was written, and it is written only when the
-- organization is not on hold and every event of the chunk is still there).
CREATE TABLE purges (
  id              INTEGER PRIMARY KEY,
  project_id      TEXT    NOT NULL,
  organization_id TEXT    NOT NULL,
  run             INTEGER NOT NULL,   -- when the scheduled run that removed them started (ms): one run, many chunks
  at              INTEGER NOT NULL,   -- ms
  cutoff          INTEGER NOT NULL,   -- events that occurred before this were expired (ms)
  events          INTEGER NOT NULL,
  targets         INTEGER NOT NULL,
  oldest          INTEGER NOT NULL,   -- occurred_at of the oldest and newest event removed
  newest          INTEGER NOT NULL
);
CREATE INDEX purges_project_org_run ON purges (project_id, organization_id, run);

-- Where the hourly purge stopped, so a run that ran out of time resumes with the next organization.
CREATE TABLE purge_state (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  project_id TEXT,
  after_org  TEXT
);
INSERT INTO purge_state (id, project_id, after_org) VALUES (1, NULL, NULL);

-- Event counts per action and organization, kept by triggers on insert and delete.
ALTER TABLE catalog ADD COLUMN events INTEGER NOT NULL DEFAULT 0;
UPDATE catalog SET events = (SELECT count(*) FROM events AS e WHERE e.project_id = catalog.project_id AND e.organization_id = catalog.value)
  WHERE kind = 'organization';
UPDATE catalog SET events = (SELECT count(*) FROM events AS e WHERE e.project_id = catalog.project_id AND e.action = catalog.value)
  WHERE kind = 'action';
DROP TRIGGER events_catalog;
CREATE TRIGGER events_catalog AFTER INSERT ON events BEGIN
  INSERT INTO catalog (project_id, kind, value, events)
  VALUES (new.project_id, 'action', new.action, 1), (new.project_id, 'organization', new.organization_id, 1)
  ON CONFLICT (project_id, kind, value) DO UPDATE SET events = events + 1;
END;
CREATE TRIGGER events_catalog_delete AFTER DELETE ON events BEGIN
  UPDATE catalog SET events = events - 1 WHERE project_id = old.project_id AND kind = 'action' AND value = old.action;
  UPDATE catalog SET events = events - 1 WHERE project_id = old.project_id AND kind = 'organization' AND value = old.organization_id;
END;
