-- The search index, project-tagged: every token carries its project (`<tag>_<word>`, built
-- in the Worker, see src/events/search/fts.ts), so a project-scoped search reads only that
-- project's doclists and no client text can reach another project's tokens. No FTS prefix
-- index: the last word's prefix is expanded through `search_vocab` (whole terms) instead.
-- `_` is a token character here, and the Worker splits every word on it, so `<tag>_<word>`
-- is one token that only the Worker can write.
CREATE VIRTUAL TABLE search_fts USING fts5(
  event_id, actor_id, actor_email, actor_name, action, target, org, place, meta,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2 tokenchars ''_'''
);

-- Every word ever indexed (tagged), for prefix expansion: a range read over the term. Keyed
-- `p<term>` when seen in a primary column, `m<term>` when seen only in `meta` (see rowTerms).
CREATE TABLE search_vocab (
  term TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Where the move to the new index is. phase: 'backfill' (searches read events_fts, writes
-- go to both, the backfill fills search_fts downwards from `below`), 'ready' (searches read
-- search_fts, events_fts is no longer written), 'done' (events_fts dropped).
-- A database without events needs no backfill.
CREATE TABLE search_state (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  phase    TEXT    NOT NULL,
  below    INTEGER,            -- backfill: every event with seq >= below is in search_fts
  ready_at INTEGER             -- ms: when searches switched to search_fts
);
INSERT INTO search_state (id, phase, below, ready_at)
  SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM events) THEN 'backfill' ELSE 'ready' END, NULL, 0;

-- The old index, written only during the backfill: the write batch inserts here every time
-- (its SQL does not depend on the phase) and the trigger forwards to events_fts while the
-- phase is 'backfill'. The legacy row is the tagged one with the tags taken off (same words,
-- same order) plus the old project token. When events_fts is dropped the trigger becomes a no-op.
CREATE VIEW events_fts_sink AS
  SELECT NULL AS seq, NULL AS tag, NULL AS project_token, NULL AS event_id, NULL AS actor_id, NULL AS actor_email,
    NULL AS actor_name, NULL AS action, NULL AS target, NULL AS org, NULL AS place, NULL AS meta;
CREATE TRIGGER events_fts_sink_insert INSTEAD OF INSERT ON events_fts_sink
WHEN (SELECT phase FROM search_state WHERE id = 1) = 'backfill'
BEGIN
  INSERT INTO events_fts (rowid, event_id, actor_id, actor_email, actor_name, action, target, org, place, meta)
  VALUES (new.seq, replace(new.event_id, new.tag, ''), replace(new.actor_id, new.tag, ''), replace(new.actor_email, new.tag, ''),
    replace(new.actor_name, new.tag, ''), replace(new.action, new.tag, ''), replace(new.target, new.tag, ''),
    replace(new.org, new.tag, '') || ' ' || new.project_token, replace(new.place, new.tag, ''), replace(new.meta, new.tag, ''));
END;
