// drizzle's typed view of `events`, the one table queried through drizzle's query
// builder. The SQL files in migrations/ are the source of truth for every table (the
// FTS5 index, the targets, catalog, idempotency, usage and sign-in tables are raw SQL).
// Since 0005 the event is stored once, in `raw`: `data` is written empty and `user_agent`
// NULL (see rows.ts, raw.ts, layout-backfill.ts). Since 0014 `raw` is deflated (a BLOB, see
// stored-raw.ts) and the fields filters compare are columns again: `location`, `actor_type`
// and `targets`; rows written before 0014 have `targets` NULL and are read from `raw` as TEXT.
import { customType, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { StoredRaw } from './stored-raw';

/** `raw`: TEXT (rows before 0014, tiny events) or a deflated BLOB, returned as the driver gives it. */
const storedRaw = customType<{ data: StoredRaw; driverData: StoredRaw }>({ dataType: () => 'blob' });

export const events = sqliteTable('events', {
  seq: integer('seq').primaryKey(),
  id: text('id').notNull(),
  projectId: text('project_id').notNull(),
  organizationId: text('organization_id').notNull(),
  action: text('action').notNull(),
  actionType: text('action_type'),
  actorId: text('actor_id').notNull(),
  actorName: text('actor_name'),
  actorType: text('actor_type'),
  actorEmail: text('actor_email'),
  location: text('location').notNull(),
  userAgent: text('user_agent'),
  occurredAt: integer('occurred_at').notNull(),
  receivedAt: integer('received_at').notNull(),
  version: integer('version'),
  source: text('source').notNull(),
  data: text('data').notNull(),
  raw: storedRaw('raw').notNull(),
  targets: text('targets'),
});
