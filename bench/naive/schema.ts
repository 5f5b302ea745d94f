// The naive Worker's one table, created by the benchmark before the first request
// (never from a request: a Worker module may export only handlers).
export const NAIVE_SCHEMA = 'CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)';
