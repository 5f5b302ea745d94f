-- Values the dashboard offers in its filters (actions, organizations), kept at ingest
-- so the filter lists never scan the events table.
CREATE TABLE catalog (
  project_id TEXT NOT NULL,
  kind       TEXT NOT NULL,   -- 'action' | 'organization'
  value      TEXT NOT NULL,
  PRIMARY KEY (project_id, kind, value)
) WITHOUT ROWID;
CREATE TRIGGER events_catalog AFTER INSERT ON events BEGIN
  INSERT OR IGNORE INTO catalog (project_id, kind, value)
  VALUES (new.project_id, 'action', new.action), (new.project_id, 'organization', new.organization_id);
END;
INSERT OR IGNORE INTO catalog (project_id, kind, value) SELECT DISTINCT project_id, 'action', action FROM events;
INSERT OR IGNORE INTO catalog (project_id, kind, value) SELECT DISTINCT project_id, 'organization', organization_id FROM events;

-- Actor filter by email in the dashboard.
CREATE INDEX events_project_actor_email_time ON events (project_id, actor_email, occurred_at);

-- API usage: one counter row per project, UTC day, endpoint and outcome, incremented
-- atomically (no lost counts under concurrency).
CREATE TABLE usage_daily (
  project_id    TEXT    NOT NULL,
  day           TEXT    NOT NULL,   -- YYYY-MM-DD (UTC)
  endpoint      TEXT    NOT NULL,   -- e.g. 'POST /events'
  status_class  TEXT    NOT NULL,   -- '2xx' | '4xx' | '5xx'
  requests      INTEGER NOT NULL DEFAULT 0,
  events        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, day, endpoint, status_class)
) WITHOUT ROWID;

-- The most recent failed API requests, so a developer can see why an integration fails.
CREATE TABLE usage_failures (
  id          INTEGER PRIMARY KEY,
  project_id  TEXT    NOT NULL,
  at          INTEGER NOT NULL,
  method      TEXT    NOT NULL,
  path        TEXT    NOT NULL,
  status      INTEGER NOT NULL,
  code        TEXT,
  message     TEXT,
  request_id  TEXT    NOT NULL
);
CREATE INDEX usage_failures_project_at ON usage_failures (project_id, at);

-- Failed dashboard sign-ins per client address, for the pause after repeated failures.
CREATE TABLE login_failures (
  client      TEXT    PRIMARY KEY,
  failures    INTEGER NOT NULL,
  last_at     INTEGER NOT NULL
) WITHOUT ROWID;
