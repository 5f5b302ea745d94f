-- Issue 8: identifier stems in the search vocabulary keyed by column group, as words are.
-- Until now every stem was `i`, wherever its identifier was seen; metadata's random ids then
-- gave a two-letter prefix hundreds of stems (`cl`: 581 at 1,000,000 events, 18 of them in a
-- primary column), past the 64 completions a prefix expands to, and a search of the primary
-- columns fell back to FTS5's own prefix query (≈ 20 ms). Writes now key a stem seen only in
-- metadata `j` (src/events/search/fts.ts). Existing `i` keys are a superset, so searches stay
-- exact as they are; the hourly cron (src/events/search/stem-split.ts) checks them in bounded
-- chunks, in key order from `after`, and moves each one with no identifier in a primary
-- column to `j`. The row is deleted when every key is checked. `upto` and `moving` hold one
-- chunk's bounds and findings between the statements of its batch, never across batches.
-- A Worker from before this migration reads only `i` stems: before rolling back past it, copy
-- the `j` keys back (README, "Upgrading a deployment").
CREATE TABLE stem_split_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  after TEXT NOT NULL,
  upto TEXT,
  moving TEXT
);
INSERT INTO stem_split_state (id, after) VALUES (1, 'i');
