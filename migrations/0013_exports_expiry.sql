-- Exports are kept EXPORT_KEEP_DAYS (src/exports/expiry.ts): the hourly cron deletes older ones
-- (the row and the file in R2), oldest first, through this index.
CREATE INDEX exports_created ON exports (created_at);
