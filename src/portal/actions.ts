// The viewer's action picker: the distinct actions among the organization's newest
// ACTION_WINDOW events, read when the viewer page is shown (the full page only, never its
// fragments), through events_project_org_time (project_id, organization_id, occurred_at):
// one bounded index range walked newest first plus one row lookup per event read, at most
// ACTION_WINDOW of each. Nothing is written at ingest (migration 0011 dropped the trigger
// that kept organization_actions). An action seen only in older events is not offered in
// the picker; it is still found by search (`action:name`) and by the action filter in a URL.
import { sql } from 'drizzle-orm';
import type { Db } from '../lib/db';

/** How many of the organization's newest events the picker reads. */
export const ACTION_WINDOW = 1000;
/** At most this many actions in the picker (as the team's picker). */
export const MAX_ACTIONS = 500;

export async function organizationActions(db: Db, projectId: string, organizationId: string, window = ACTION_WINDOW): Promise<string[]> {
  const rows = await db.all<{ action: string }>(sql`SELECT DISTINCT action FROM (
      SELECT action FROM events WHERE project_id = ${projectId} AND organization_id = ${organizationId}
      ORDER BY occurred_at DESC LIMIT ${window}
    ) ORDER BY action LIMIT ${MAX_ACTIONS}`);
  return rows.map((r) => r.action);
}
