-- How many events hold each indexed term: lets a search pick its plan (read the
-- term's matches, or walk the newest events and test each) from the term's frequency.
CREATE VIRTUAL TABLE events_fts_vocab USING fts5vocab(events_fts, 'row');
