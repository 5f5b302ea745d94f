-- Events: one row per audit event. project_id leads every index so no query can
-- wander into another project's rows. Times are integer milliseconds since the epoch.
CREATE TABLE events (
  seq             INTEGER PRIMARY KEY,          -- rowid; also the FTS rowid and the keyset tie-breaker
  id              TEXT    NOT NULL,             -- evt_<ULID>, assigned at ingest
  project_id      TEXT    NOT NULL,
  organization_id TEXT    NOT NULL,             -- legacy "group"
  action          TEXT    NOT NULL,
  action_type     TEXT,                         -- c | r | u | d (legacy), else NULL
  actor_id        TEXT    NOT NULL,
  actor_name      TEXT,
  actor_type      TEXT,
  actor_email     TEXT,
  location        TEXT    NOT NULL,
  user_agent      TEXT,
  occurred_at     INTEGER NOT NULL,
  received_at     INTEGER NOT NULL,
  version         INTEGER,
  source          TEXT    NOT NULL,             -- 'legacy' | 'audit_logs': which wire shape it came in
  data            TEXT    NOT NULL,             -- internal model: actor, targets, context, metadata (JSON)
  raw             TEXT    NOT NULL              -- the event exactly as the client sent it (JSON)
);

CREATE UNIQUE INDEX events_id ON events (id);
CREATE INDEX events_project_time ON events (project_id, occurred_at);
CREATE INDEX events_project_org_time ON events (project_id, organization_id, occurred_at);
CREATE INDEX events_project_action_time ON events (project_id, action, occurred_at);
CREATE INDEX events_project_actor_time ON events (project_id, actor_id, occurred_at);
CREATE INDEX events_project_actor_name_time ON events (project_id, actor_name, occurred_at);

-- One row per target, so "events that touched X" is an index lookup even when an
-- Audit Logs event names several targets.
CREATE TABLE event_targets (
  project_id  TEXT    NOT NULL,
  target_id   TEXT    NOT NULL,
  target_type TEXT,
  target_name TEXT,
  event_seq   INTEGER NOT NULL,
  position    INTEGER NOT NULL,
  PRIMARY KEY (project_id, target_id, event_seq, position)
) WITHOUT ROWID;
CREATE INDEX event_targets_name ON event_targets (project_id, target_name, event_seq);
CREATE INDEX event_targets_type ON event_targets (project_id, target_type, event_seq);

-- Full-text index. Contentless: the text lives in `events`; the index only keeps
-- tokens. One column per kind of thing a person searches for, so the query language
-- can aim at one (actor:, target:, org:, ip:) and relevance can weigh them apart.
CREATE VIRTUAL TABLE events_fts USING fts5(
  event_id,     -- evt_...
  actor_id,
  actor_email,  -- tokenised, so its parts (name, domain) match too
  actor_name,
  action,       -- action and action type
  target,       -- target ids, names and types
  org,          -- organization id
  place,        -- location (IP, host, device) and user agent
  meta,         -- metadata keys and values, actor type (searched when nothing else matches)
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

-- Idempotency: a request's key claims a row in the same batch that writes its
-- events; a second request with the same key finds the row and gets the first answer.
CREATE TABLE idempotency_keys (
  project_id  TEXT    NOT NULL,
  key_hash    TEXT    NOT NULL,
  fingerprint TEXT    NOT NULL,   -- sha256 of the canonical request body
  owner       TEXT    NOT NULL,   -- request id that claimed the key
  status      INTEGER NOT NULL,
  response    TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (project_id, key_hash)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
