// The event routes, registered once per wire shape (like Unkey's `registerV1ApisGetApi(app)`):
// create one, create a batch, list, and read one. Only `wire` knows which API this is.
import type { Hono } from 'hono';
import type { AppEnv } from '../context';
import { AppError } from '../lib/errors';
import { MAX_BATCH_BODY_BYTES, MAX_SINGLE_BODY_BYTES } from '../events/limits';
import { listEvents } from '../events/list';
import { getEvent } from '../events/store';
import { requireScope } from './auth';
import { readJsonBody } from './body';
import { schemaProblems } from '../schemas/check';
import { requireKnownOrganizations } from '../organizations/managed';
import { batchItems, ingest, parseBatch, validationFailed } from './ingest';
import { parseQuery } from './query';
import type { WireShape } from './wire/shape';

/** Registers `POST base`, `POST base/batch`, `GET base` and `GET base/:id` on `app`, speaking `wire`. */
export function registerEventRoutes(app: Hono<AppEnv>, base: string, wire: WireShape): void {
  app.post(base, requireScope('write'), async (c) => {
    const body = await readJsonBody(c.req.raw, MAX_SINGLE_BODY_BYTES);
    // The stored event is the parsed value written back, never the text as sent: with a key given
    // twice, JavaScript keeps the last value and SQLite's JSON functions the first, so storing the
    // text would let filters and the display disagree about the same event.
    const parsed = wire.parseEvent(body.value, JSON.stringify(wire.rawPart(body.value)), c.var.now);
    if (!parsed.ok) throw validationFailed(parsed.problems);
    if (wire.name === 'audit_logs' && c.var.projectSettings.managedOrganizations) {
      await requireKnownOrganizations(c.var.db, c.var.projectId, [{ organizationId: parsed.event.organizationId, path: ['organization_id'] }]);
    }
    const invalid = await schemaProblems(c.var.db, c.var.projectId, [{ event: parsed.event, path: wire.eventPath }], {
      requireSchema: c.var.projectSettings.requireSchema,
    });
    if (invalid.length > 0) throw validationFailed(invalid);
    return ingest(c, {
      events: [parsed.event],
      canonicalBody: JSON.stringify(body.value),
      rule: { scope: wire.name, content: wire.dedupeOnContent },
      respond: ([id]) => ({ status: wire.createdStatus, body: { success: true, id } }),
    });
  });

  /** Waymark's batch ingest: `{"events": [<one create body>, ...]}`, 1 to 1,000 events, all or nothing. */
  app.post(`${base}/batch`, requireScope('write'), async (c) => {
    const body = await readJsonBody(c.req.raw, MAX_BATCH_BODY_BYTES);
    const { events, problems } = parseBatch(batchItems(body.value), (item) =>
      wire.parseEvent(item, JSON.stringify(wire.rawPart(item)), c.var.now),
    );
    if (problems.length > 0) throw validationFailed(problems);
    if (wire.name === 'audit_logs' && c.var.projectSettings.managedOrganizations) {
      await requireKnownOrganizations(c.var.db, c.var.projectId, events.map((e, i) => ({ organizationId: e.organizationId, path: ['events', i, 'organization_id'] })));
    }
    const invalid = await schemaProblems(
      c.var.db,
      c.var.projectId,
      events.map((event, i) => ({ event, path: ['events', i, ...wire.eventPath] })),
      { requireSchema: c.var.projectSettings.requireSchema },
    );
    if (invalid.length > 0) throw validationFailed(invalid);
    return ingest(c, {
      events,
      canonicalBody: JSON.stringify(body.value),
      rule: { scope: `${wire.name}-batch`, content: false },
      respond: (ids) => ({ status: wire.createdStatus, body: { success: true, ids } }),
    });
  });

  app.get(base, requireScope('read'), async (c) => {
    const filters = parseQuery(wire.listQuery, new URL(c.req.url));
    const page = await listEvents(c.var.db, { ...filters, projectId: c.var.projectId, now: c.var.now() });
    const metadata = { before: page.before, after: page.after };
    return c.json({ object: 'list', data: page.events.map(wire.toEvent), list_metadata: metadata, listMetadata: metadata });
  });

  app.get(`${base}/:id`, requireScope('read'), async (c) => {
    const event = await getEvent(c.var.db, c.var.projectId, c.req.param('id'));
    if (!event) throw new AppError('not_found', 'No event with that id in this project.');
    return c.json(wire.toEvent(event));
  });
}
