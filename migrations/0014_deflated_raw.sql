-- Issue 8: the stored event deflated in the Worker (src/events/stored-raw.ts). From now on
-- `raw` holds a BLOB (format byte + deflate-raw with a preset dictionary) for new rows, so
-- SQL can no longer read inside it: the three fields filters compare exactly are written to
-- columns again, `location` and `actor_type` (which exist) and `targets` (new: a JSON array
-- of [id, name, type] per target). Rows written before this migration keep `raw` as TEXT and
-- `targets` NULL; filters read those rows' fields from `raw` as before (search/sql.ts), and
-- the layout backfill (events/layout-backfill.ts) rewrites them to the new form in bounded,
-- resumable chunks.
ALTER TABLE events ADD COLUMN targets TEXT;
-- The layout backfill starts again (its 0005 run, if finished, left every row with targets NULL).
UPDATE layout_state SET below = NULL, done = 0 WHERE id = 1;
-- The catalog's per-row trigger (two upserts per event) is replaced by one aggregated upsert
-- per written chunk (src/events/store.ts); deletes still count down through events_catalog_delete.
DROP TRIGGER IF EXISTS events_catalog;
