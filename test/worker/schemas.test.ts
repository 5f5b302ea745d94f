// Action schemas (Audit Logs): immutable versions, the actions list, and events with a
// `version` validated against that version before anything is written.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProject } from '../../src/projects/store';
import { createKey } from '../../src/projects/keys-store';
import { auditLogBody, call } from './helpers';

let key: string;
const NOW = Date.now();

const schemaBody = (planType = 'string') => ({
  actor: { metadata: { type: 'object', properties: { role: { type: 'string' } } } },
  targets: [{ type: 'document', metadata: { type: 'object', properties: { pages: { type: 'number' } } } }, { type: 'folder' }],
  metadata: { type: 'object', properties: { plan: { type: planType, enum: planType === 'string' ? ['free', 'pro'] : undefined } }, required: ['plan'] },
});

const event = (overrides: Record<string, unknown>) => auditLogBody({ action: 'document.signed', ...overrides }, 'org_schemas');

beforeAll(async () => {
  const project = await createProject(env.KV, { name: 'Schemas', now: NOW });
  key = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 's', now: NOW })).plain;
});

describe('schemas', () => {
  it('creates versions 1 and 2 (immutable), creating the action, and lists them newest first', async () => {
    const v1 = await call('POST', '/audit_logs/actions/document.signed/schemas', { key, body: schemaBody() });
    expect(v1.status, v1.text).toBe(201);
    expect(v1.body).toMatchObject({ object: 'audit_log_schema', version: 1, targets: [{ type: 'document' }, { type: 'folder' }] });
    expect(v1.body.created_at).toMatch(/Z$/);
    const v2 = await call('POST', '/audit_logs/actions/document.signed/schemas', { key, body: { targets: [{ type: 'document' }] } });
    expect(v2.body.version).toBe(2);
    const list = await call('GET', '/audit_logs/actions/document.signed/schemas', { key });
    expect(list.body.data.map((s: { version: number }) => s.version)).toEqual([2, 1]);
    const first = await call('GET', '/audit_logs/actions/document.signed/schemas?limit=1&order=asc', { key });
    expect(first.body.data.map((s: { version: number }) => s.version)).toEqual([1]);
    const next = await call('GET', `/audit_logs/actions/document.signed/schemas?limit=1&order=asc&after=${first.body.list_metadata.after}`, { key });
    expect(next.body.data.map((s: { version: number }) => s.version)).toEqual([2]);
    const actions = await call('GET', '/audit_logs/actions?order=asc', { key });
    expect(actions.body.data).toEqual([
      expect.objectContaining({ object: 'audit_log_action', name: 'document.signed', schema: expect.objectContaining({ version: 2 }) }),
    ]);
  });

  it('validates an event that names a version, with field paths, and writes nothing when it fails', async () => {
    const ok = await call('POST', '/audit_logs/events', {
      key,
      body: event({ version: 1, actor: { id: 'u1', type: 'user', metadata: { role: 'admin' } }, targets: [{ id: 'd1', type: 'document', metadata: { pages: 3 } }], metadata: { plan: 'pro' } }),
    });
    expect(ok.status, ok.text).toBe(200);
    const bad = await call('POST', '/audit_logs/events', {
      key,
      body: event({ version: 1, actor: { id: 'u2', type: 'user', metadata: { role: 7 } }, targets: [{ id: 'd2', type: 'document', metadata: { pages: 'three' } }, { id: 'x', type: 'invoice' }], metadata: { plan: 'gold' } }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_audit_log_event');
    const paths = bad.body.errors.map((e: { instancePath: string }) => e.instancePath);
    expect(paths).toEqual(expect.arrayContaining(['/actor/metadata/role', '/targets/0/metadata/pages', '/targets/1/type', '/metadata/plan']));
    const stored = await call('GET', '/audit_logs/events?actor_ids=u2', { key });
    expect(stored.body.data).toEqual([]);
  });

  it('an unknown version is a 400 naming the version; no version, or an action without schemas, is not checked', async () => {
    const r = await call('POST', '/audit_logs/events', { key, body: event({ version: 9 }) });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.errors)).toContain('/version');
    expect((await call('POST', '/audit_logs/events', { key, body: event({ metadata: { plan: 'gold' } }) })).status).toBe(200);
    expect((await call('POST', '/audit_logs/events', { key, body: event({ action: 'never.schemed', version: 4 }) })).status).toBe(200);
  });

  it('in a batch, problems are named by position and nothing of the batch is written', async () => {
    const good = event({ version: 2, actor: { id: 'batch_ok', type: 'user' }, targets: [{ id: 'd', type: 'document' }] });
    const bad = event({ version: 2, actor: { id: 'batch_bad', type: 'user' }, targets: [{ id: 'f', type: 'folder' }] });
    const r = await call('POST', '/audit_logs/events/batch', { key, body: { events: [good, bad] } });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].field).toBe('events[1].event.targets[0].type');
    expect((await call('GET', '/audit_logs/events?actor_ids=batch_ok', { key })).body.data).toEqual([]);
  });

  it.each([
    ['no targets', { actor: { metadata: { type: 'object' } } }, 'targets'],
    ['metadata that is not an object schema', { targets: [], metadata: { type: 'string' } }, 'metadata.type'],
    ['a pattern no validator can run', { targets: [{ type: 'doc', metadata: { type: 'object', properties: { a: { type: 'string', pattern: '(' } } } }] }, 'targets.0.metadata'],
    ['an unknown field', { targets: [], colour: 'red' }, 'colour'],
    // Checking time must stay linear in the value: backtracking patterns and recursive $refs are refused.
    ['a nested repetition (^(a+)+$)', { targets: [], metadata: { type: 'object', properties: { a: { type: 'string', pattern: '^(a+)+$' } } } }, 'metadata'],
    ['overlapping repetitions (^\\w*\\w*\\w*$)', { targets: [], metadata: { type: 'object', properties: { a: { type: 'string', pattern: '^\\w*\\w*\\w*$' } } } }, 'metadata'],
    ['a backreference', { targets: [], metadata: { type: 'object', patternProperties: { '^(a)\\1$': { type: 'string' } } } }, 'metadata'],
    ['a $ref back to itself under if/then', { targets: [], metadata: { type: 'object', if: { required: ['a'] }, then: { $ref: '#' } } }, 'metadata'],
    ['a $ref back to itself under dependentSchemas', { targets: [{ type: 'doc', metadata: { type: 'object', dependentSchemas: { a: { $ref: '#' } } } }] }, 'targets.0.metadata'],
    ['a target type twice', { targets: [{ type: 'doc' }, { type: 'doc' }] }, 'targets.1.type'],
  ])('refuses a schema with %s: 422 naming the field', async (_name, body, field) => {
    const r = await call('POST', '/audit_logs/actions/doc.bad/schemas', { key, body });
    expect(r.status, r.text).toBe(422);
    expect(JSON.stringify(r.body.errors)).toContain(field.split('.')[0]);
  });

  it('accepts patterns that check in linear time, and checks events against them', async () => {
    const body = {
      targets: [],
      metadata: {
        type: 'object',
        properties: {
          email: { type: 'string', pattern: '^[a-z]+@[a-z]+\\.[a-z]+$' },
          plan: { type: 'string', pattern: '^(free|pro|enterprise)$' },
          ref: { type: 'string', pattern: '^org_[0-9A-Z]{26}$' },
        },
      },
    };
    expect((await call('POST', '/audit_logs/actions/doc.patterned/schemas', { key, body })).status).toBe(201);
    const ok = auditLogBody({ action: 'doc.patterned', version: 1, targets: [], metadata: { email: 'ada@example.com', plan: 'pro' } }, 'org_schemas');
    expect((await call('POST', '/audit_logs/events', { key, body: ok })).status).toBe(200);
    // The shape that takes a backtracking engine hours with ^(a+)+$: here a plain, fast 400.
    const bad = auditLogBody({ action: 'doc.patterned', version: 1, targets: [], metadata: { email: `${'a'.repeat(400)}!` } }, 'org_schemas');
    const r = await call('POST', '/audit_logs/events', { key, body: bad });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.errors)).toContain('/metadata/email');
  });

  it('a recursive schema stored before recursion was refused answers 400 for the events it cannot check, never 500', async () => {
    const { createSchema } = await import('../../src/schemas/store');
    const { drizzle } = await import('drizzle-orm/d1');
    const project = await createProject(env.KV, { name: 'Schemas legacy recursion', now: NOW });
    const k = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'r', now: NOW })).plain;
    // Written straight to storage, as a schema created by an older Waymark would be.
    await createSchema(drizzle(env.DB), { projectId: project.id, action: 'doc.recursive', now: NOW, body: { targets: [], metadata: { type: 'object', if: { required: ['a'] }, then: { $ref: '#' } } } });
    const r = await call('POST', '/audit_logs/events', { key: k, body: auditLogBody({ action: 'doc.recursive', version: 1, targets: [], metadata: { a: 'b' } }, 'org_schemas') });
    expect(r.status, r.text).toBe(400);
    expect(JSON.stringify(r.body.errors)).toContain('metadata');
  });

  it('refuses an action name that is not one, a schema over 32 KB, and a key without the scope', async () => {
    expect((await call('POST', '/audit_logs/actions/not%20an%20action/schemas', { key, body: { targets: [] } })).status).toBe(422);
    const huge = { targets: [], metadata: { type: 'object', description: 'x'.repeat(40_000) } };
    expect((await call('POST', '/audit_logs/actions/doc.big/schemas', { key, body: huge })).status).toBe(413);
    const project = await createProject(env.KV, { name: 'Schemas readers', now: NOW });
    const reader = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'r', now: NOW, scopes: ['read'] })).plain;
    expect((await call('POST', '/audit_logs/actions/doc.x/schemas', { key: reader, body: { targets: [] } })).status).toBe(403);
    // Another project's schemas are not visible.
    expect((await call('GET', '/audit_logs/actions/document.signed/schemas', { key: reader })).body.data).toEqual([]);
  });
});

describe('the "require a schema" setting', () => {
  it('refuses actions without a schema, checks events without a version against the latest, and leaves the legacy API alone', async () => {
    const { setProjectRequireSchema } = await import('../../src/projects/settings');
    const project = await createProject(env.KV, { name: 'Schemas required', now: NOW });
    const k = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'r', now: NOW })).plain;
    await setProjectRequireSchema(env.KV, { projectId: project.id, required: true });
    await new Promise((r) => setTimeout(r, 0));
    // Settings are remembered per isolate for 30 s: a fresh project is read on its first request.
    const none = await call('POST', '/audit_logs/events', { key: k, body: event({}) });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body.errors)).toContain('/action');
    expect((await call('POST', '/audit_logs/actions/document.signed/schemas', { key: k, body: schemaBody() })).status).toBe(201);
    const unversioned = await call('POST', '/audit_logs/events', { key: k, body: event({ metadata: { plan: 'gold' } }) });
    expect(unversioned.status).toBe(400);
    expect(JSON.stringify(unversioned.body.errors)).toContain('/metadata/plan');
    expect((await call('POST', '/audit_logs/events', { key: k, body: event({ targets: [{ id: 'd', type: 'document' }], metadata: { plan: 'free' } }) })).status).toBe(200);
    expect((await call('POST', '/events', { key: k, body: (await import('./helpers')).legacyEvent() })).status).toBe(201);
  });
});
