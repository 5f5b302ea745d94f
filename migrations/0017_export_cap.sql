-- A cap on exports in progress (src/exports/create.ts): an export is in progress while it is
-- pending and its job wrote within the last 15 minutes (a stuck one stops counting). At most 3
-- per organization and 10 per project may be in progress; an insert past either aborts with a
-- message the Worker turns into a 429. In the database, so that concurrent requests cannot
-- all pass a check made before the insert, and so that the viewer's `audit_log.exported` event,
-- in the same batch as the export, is refused with it.
CREATE INDEX exports_pending ON exports (project_id, organization_id) WHERE state = 'pending';

CREATE TRIGGER exports_cap_organization BEFORE INSERT ON exports
WHEN NEW.organization_id IS NOT NULL AND (
  SELECT count(*) FROM exports
  WHERE project_id = NEW.project_id AND organization_id = NEW.organization_id AND state = 'pending' AND updated_at > NEW.created_at - 900000
) >= 3
BEGIN
  SELECT RAISE(ABORT, 'waymark_export_cap_organization');
END;

CREATE TRIGGER exports_cap_project BEFORE INSERT ON exports
WHEN (
  SELECT count(*) FROM exports WHERE project_id = NEW.project_id AND state = 'pending' AND updated_at > NEW.created_at - 900000
) >= 10
BEGIN
  SELECT RAISE(ABORT, 'waymark_export_cap_project');
END;
