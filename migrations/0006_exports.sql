-- Audit log exports: one row per export, built in the background (a Queue consumer) into R2 by
-- a multipart upload. `cursor` and `parts` are the resumable state: the id of the last event
-- written to an uploaded part, and the parts uploaded so far, so a retried step rewrites the same
-- part from the same place (no row twice).
CREATE TABLE exports (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  organization_id TEXT,
  state TEXT NOT NULL DEFAULT 'pending',
  format TEXT NOT NULL,
  query TEXT NOT NULL,
  rows_written INTEGER NOT NULL DEFAULT 0,
  upload_id TEXT,
  parts TEXT NOT NULL DEFAULT '[]',
  cursor TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX exports_project_created ON exports (project_id, created_at);
