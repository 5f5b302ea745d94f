// drizzle table definitions mirroring migrations/ (the SQL files are the source of
// truth; the FTS5 table is raw SQL because drizzle has no virtual tables).
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

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
  raw: text('raw').notNull(),
});

export const eventTargets = sqliteTable(
  'event_targets',
  {
    projectId: text('project_id').notNull(),
    targetId: text('target_id').notNull(),
    targetType: text('target_type'),
    targetName: text('target_name'),
    eventSeq: integer('event_seq').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.targetId, t.eventSeq, t.position] })],
);

export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    projectId: text('project_id').notNull(),
    keyHash: text('key_hash').notNull(),
    fingerprint: text('fingerprint').notNull(),
    owner: text('owner').notNull(),
    status: integer('status').notNull(),
    response: text('response').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.keyHash] })],
);
