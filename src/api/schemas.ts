// Action schemas in the Audit Logs API, as WorkOS shapes them:
//   POST /audit_logs/actions/:action/schemas   a new (immutable) version; creates the action
//   GET  /audit_logs/actions/:action/schemas   its versions
//   GET  /audit_logs/actions                   the project's actions with their latest schema
import type { Hono } from 'hono';
import { recordDashboardEvent, requestContext } from '../team/audit';
import { z } from 'zod';
import type { AppEnv } from '../context';
import { AppError } from '../lib/errors';
import { ACTION_PATTERN, MAX_ACTION } from '../events/limits';
import type { ActionSchema } from '../schemas/model';
import { checkSchemaBody } from '../schemas/model';
import { createSchema, listActions, listSchemas, type ActionSummary, type PageQuery } from '../schemas/store';
import { requireScope } from './auth';
import { readJsonBody } from './body';
import { pageQuery, parseQuery, type QueryValues } from './query';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function schemaJson(s: ActionSchema) {
  return {
    object: 'audit_log_schema',
    version: s.version,
    actor: s.actor ?? null,
    targets: s.targets,
    metadata: s.metadata ?? null,
    created_at: iso(s.createdAt),
  };
}

function actionJson(a: ActionSummary) {
  return { object: 'audit_log_action', name: a.name, schema: a.schema ? schemaJson(a.schema) : null, created_at: iso(a.createdAt), updated_at: iso(a.updatedAt) };
}

/** The action named in the path, or a 422 naming it. */
function actionParam(value: string): string {
  if (value.length > MAX_ACTION || !ACTION_PATTERN.test(value)) {
    throw new AppError('validation_failed', 'Validation failed.', {
      problems: [{ path: ['action'], kind: 'invalid', message: 'action must look like category.name (letters, digits, _ - :) with no spaces' }],
    });
  }
  return value;
}

const versionPage = pageQuery((v) => /^[1-9]\d{0,9}$/.test(v), 'must be a schema version from this list') as unknown as z.ZodType<PageQuery, QueryValues>;
const actionPage = pageQuery((v) => v.length <= MAX_ACTION && ACTION_PATTERN.test(v), 'must be an action name from this list') as unknown as z.ZodType<PageQuery, QueryValues>;

export function registerSchemaRoutes(app: Hono<AppEnv>): void {
  app.post('/audit_logs/actions/:action/schemas', requireScope('write'), async (c) => {
    const action = actionParam(c.req.param('action'));
    const body = await readJsonBody(c.req.raw, 64 * 1024);
    const schema = await createSchema(c.var.db, { projectId: c.var.projectId, action, body: checkSchemaBody(body.value, body.text), now: c.var.now() });
    // The Waymark project's trail records it, with the API key as actor.
    await recordDashboardEvent(c.env, {
      action: 'schema.created',
      actor: { id: c.var.apiKeyId, name: 'API key', type: 'api_key' },
      targets: [
        { id: `${action}@${schema.version}`, type: 'action_schema', name: action },
        { id: c.var.projectId, type: 'project' },
      ],
      context: requestContext(c.req),
      metadata: { version: schema.version },
      now: c.var.now(),
    });
    return c.json(schemaJson(schema), 201);
  });

  app.get('/audit_logs/actions/:action/schemas', requireScope('read'), async (c) => {
    const action = actionParam(c.req.param('action'));
    const page = await listSchemas(c.var.db, c.var.projectId, action, parseQuery(versionPage, new URL(c.req.url)));
    const metadata = { before: page.before, after: page.after };
    return c.json({ object: 'list', data: page.data.map(schemaJson), list_metadata: metadata, listMetadata: metadata });
  });

  app.get('/audit_logs/actions', requireScope('read'), async (c) => {
    const page = await listActions(c.var.db, c.var.projectId, parseQuery(actionPage, new URL(c.req.url)));
    const metadata = { before: page.before, after: page.after };
    return c.json({ object: 'list', data: page.data.map(actionJson), list_metadata: metadata, listMetadata: metadata });
  });
}
