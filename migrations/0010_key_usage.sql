-- Each API key's request count and last use, from the usage counters (written with the
-- buffered usage batch, never a KV write per request). One row per key.
CREATE TABLE usage_keys (
  project_id TEXT NOT NULL,
  key_id TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  last_used_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, key_id)
) WITHOUT ROWID;
