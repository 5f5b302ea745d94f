-- Issue 8, storage at the limit. Actor filters (id, name, email, and the full-email search
-- fast path) find their candidates in the search index's actor columns and confirm each one
-- exactly against the row's column (src/events/search/plan.ts actorFilter), as target filters
-- do since 0005: these three B-tree indexes (about 159 bytes per event) are no longer read.
-- The columns stay (SQLite drops a column only by rewriting the table) and are still written:
-- they are what the exact confirmation compares with.
DROP INDEX IF EXISTS events_project_actor_time;
DROP INDEX IF EXISTS events_project_actor_name_time;
DROP INDEX IF EXISTS events_project_actor_email_time;
