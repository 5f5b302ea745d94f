-- The customer viewer (issue 10), second part.
--
-- Lean ingest: the trigger of 0008 wrote one organization_actions row per new
-- (project, organization, action) on every event insert (one more write on the hot path,
-- 14 B/event). The viewer's action picker now reads the distinct actions of the
-- organization's newest events at view time instead (src/portal/actions.ts), through
-- events_project_org_time: bounded, no write at ingest.
DROP TRIGGER IF EXISTS events_organization_actions;
DROP TABLE IF EXISTS organization_actions;

-- Exports made from the customer viewer name the viewer session that asked (vs_...). The
-- viewer lists its organization's viewer exports only (never the team's or the API's), through
-- the partial index below; every other export has NULL and costs the index nothing.
ALTER TABLE exports ADD COLUMN viewer_session_id TEXT;
CREATE INDEX exports_viewer ON exports (project_id, organization_id, created_at) WHERE viewer_session_id IS NOT NULL;
