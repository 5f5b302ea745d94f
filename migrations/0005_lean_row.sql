-- The lean row: the event is stored once, as `raw` (what the client sent). The landed
-- layout also kept `data` (a second JSON copy of actor, targets, context and metadata)
-- and the `location`, `actor_type` and `user_agent` columns, all of which `raw` holds:
-- reads now take them from `raw` (src/events/raw.ts), new rows write them empty
-- ('' for the NOT NULL columns, else NULL), and a bounded backfill empties them in the
-- rows written before (src/events/layout-backfill.ts). SQLite cannot drop a NOT NULL
-- column without rewriting the table, which a large D1 database cannot do in one
-- statement; an empty text costs no byte beyond its one-byte type header.
CREATE TABLE layout_state (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  below INTEGER,               -- every event with seq >= below is lean (NULL: not started)
  done  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO layout_state (id, below, done) VALUES (1, NULL, 0);
