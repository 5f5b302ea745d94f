-- Issue 8: the search index kept in few segments. Every read of an FTS5 index opens each of
-- its segments: at 1,000,000 events in 10 segments one read costs about 0.12 ms before it
-- reads a single entry, in 2 segments 0.02 ms (docs/performance.md). FTS5's automatic merge
-- (automerge = 4) leaves up to three segments on every level; with usermerge = 2 the explicit
-- 'merge' command that the hourly cron sends in bounded steps (src/events/search/merge.ts)
-- merges any level holding two. A setting of the index (its config table), not a rewrite.
INSERT INTO search_fts(search_fts, rank) VALUES('usermerge', 2);
