-- Action schemas (the Audit Logs API's POST /audit_logs/actions/:action/schemas): JSON
-- Schemas for an action's actor, target and event metadata. Immutable; each new schema
-- of an action gets the next version. Creating one also puts the action in the catalog.
CREATE TABLE action_schemas (
  project_id TEXT    NOT NULL,
  action     TEXT    NOT NULL,
  version    INTEGER NOT NULL,
  body       TEXT    NOT NULL,   -- {"actor": …, "targets": [...], "metadata": …} as accepted (JSON)
  created_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, action, version)
) WITHOUT ROWID;
