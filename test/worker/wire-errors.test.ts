// Each API answers every error in its own wire shape: the legacy API `{message, code,
// errors: [{field, code}]}`, the Audit Logs API `{message, code, errors: [{code, field,
// message}]}` (or its 400 for a malformed event), and `{message, code}` in both where
// there is nothing to list.
import { describe, expect, it } from 'vitest';
import { renderApiError } from '../../src/api/wire';
import { AppError } from '../../src/lib/errors';
import { validateProjectName } from '../../src/projects/store';
import { auditLogBody, call, legacyEvent } from './helpers';

const UNKNOWN_ID = 'evt_01HZZZZZZZZZZZZZZZZZZZZZZZ';

/** Every error answer is JSON with a request id, whichever API it comes from. */
async function failing(method: string, path: string, options: Parameters<typeof call>[2] = {}) {
  const r = await call(method, path, options);
  expect(r.headers.get('content-type')).toContain('application/json');
  expect(r.headers.get('x-request-id')).toMatch(/^req_/);
  return r;
}

describe('the legacy API (/events)', () => {
  it('a bad body: 422 with errors [{field, code}]', async () => {
    const r = await failing('POST', '/events', { body: legacyEvent({ occurred_at: 'nope' }) });
    expect(r.status).toBe(422);
    expect(r.body).toEqual({
      message: 'Validation failed.',
      code: 'validation_failed',
      errors: [{ field: 'occurred_at', code: 'occurred_at must be an ISO 8601 date string' }],
    });
  });

  it('a bad batch envelope: 422 with errors [{field, code}]', async () => {
    const r = await failing('POST', '/events/batch', { body: { events: [] } });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([{ field: 'events', code: 'events must be an array of 1 to 1000 events' }]);
  });

  it.each([
    ['limit=0', { field: 'limit', code: 'limit must be an integer from 1 to 100' }],
    ['order=sideways', { field: 'order', code: 'order must be asc, desc or relevance' }],
    ['occurred_at_gte=yesterday', { field: 'occurred_at_gte', code: 'occurred_at_gte must be an ISO 8601 date string' }],
    ['action_type=x', { field: 'action_type', code: 'action_type must be one of C, R, U, D' }],
    ['colour=blue', { field: 'colour', code: 'colour is not a known query parameter' }],
    ['search=a&search=b', { field: 'search', code: 'search must be given once' }],
    [`after=${UNKNOWN_ID}&before=${UNKNOWN_ID}`, { field: 'before', code: 'use either before or after, not both' }],
  ])('a bad query parameter (%s): 422 with errors [{field, code}]', async (qs, error) => {
    const r = await failing('GET', `/events?${qs}`);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ message: 'Invalid query parameters.', code: 'validation_failed', errors: [error] });
  });

  it('reports every bad query parameter at once', async () => {
    const r = await failing('GET', `/events?limit=0&order=up&colour=blue&actor_id[]=a&after=${UNKNOWN_ID}&before=${UNKNOWN_ID}`);
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['before', 'colour', 'limit', 'order']);
  });

  it('a bad cursor: 422 with errors [{field, code}]', async () => {
    const malformed = await failing('GET', '/events?before=hello');
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors).toEqual([{ field: 'before', code: 'before must be the id of an event in this project' }]);
    const unknown = await failing('GET', `/events?after=${UNKNOWN_ID}`);
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ field: 'after', code: 'after must be the id of an event in this project' }]);
  });

  it('an unknown id: 404 {message, code}', async () => {
    const r = await failing('GET', `/events/${UNKNOWN_ID}`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ message: 'No event with that id in this project.', code: 'not_found' });
  });

  it('a missing key: 401 {message, code}', async () => {
    const r = await failing('GET', '/events', { key: null });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ message: expect.stringContaining('Unauthorized'), code: 'unauthorized' });
  });
});

describe('the Audit Logs API (/audit_logs/events)', () => {
  it('a body missing a field: 422 with errors [{code, field, message}]', async () => {
    const body = auditLogBody();
    delete (body.event as Record<string, unknown>).action;
    const r = await failing('POST', '/audit_logs/events', { body });
    expect(r.status).toBe(422);
    expect(r.body).toEqual({
      message: 'Validation failed.',
      code: 'validation_failed',
      errors: [{ code: 'required', field: 'event.action', message: 'event.action is required' }],
    });
  });

  it('a malformed event: 400 invalid_audit_log_event with instancePaths', async () => {
    const r = await failing('POST', '/audit_logs/events', { body: auditLogBody({ version: 1.5 }) });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      message: 'Invalid Audit Log event.',
      code: 'invalid_audit_log_event',
      errors: [{ instancePath: '/version', keyword: 'format', message: 'version must be a positive integer' }],
    });
  });

  it('a bad batch: 422 with errors [{code, field, message}], positions kept', async () => {
    const r = await failing('POST', '/audit_logs/events/batch', { body: { events: [auditLogBody(), auditLogBody({ targets: 'none' })] } });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([{ code: 'invalid', field: 'events[1].event.targets', message: 'targets must be an array' }]);
    const envelope = await failing('POST', '/audit_logs/events/batch', { body: { events: [auditLogBody()], more: 1 } });
    expect(envelope.body.errors).toEqual([{ code: 'unknown_field', field: 'more', message: 'more is not a known field' }]);
  });

  it.each([
    ['limit=0', { code: 'invalid', field: 'limit', message: 'limit must be an integer from 1 to 100' }],
    ['order=sideways', { code: 'invalid', field: 'order', message: 'order must be asc, desc or relevance' }],
    ['range_start=yesterday', { code: 'invalid', field: 'range_start', message: 'range_start must be an ISO 8601 date string' }],
    ['colour=blue', { code: 'unknown_field', field: 'colour', message: 'colour is not a known query parameter' }],
    ['group=legacy-name', { code: 'unknown_field', field: 'group', message: 'group is not a known query parameter' }],
    [`after=${UNKNOWN_ID}&before=${UNKNOWN_ID}`, { code: 'invalid', field: 'before', message: 'use either before or after, not both' }],
  ])('a bad query parameter (%s): 422 with errors [{code, field, message}]', async (qs, error) => {
    const r = await failing('GET', `/audit_logs/events?${qs}`);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ message: 'Invalid query parameters.', code: 'validation_failed', errors: [error] });
  });

  it('a bad cursor: 422 with errors [{code, field, message}]', async () => {
    const malformed = await failing('GET', '/audit_logs/events?after=hello');
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors).toEqual([
      { code: 'invalid', field: 'after', message: 'after must be the id of an event in this project' },
    ]);
    // A well-formed id of no event here is found out by the list itself (events/search/cursor.ts).
    const unknown = await failing('GET', `/audit_logs/events?after=${UNKNOWN_ID}`);
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([
      { code: 'invalid', field: 'after', message: 'after must be the id of an event in this project' },
    ]);
  });

  it('an unknown id: 404 {message, code}', async () => {
    const r = await failing('GET', `/audit_logs/events/${UNKNOWN_ID}`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ message: 'No event with that id in this project.', code: 'not_found' });
  });

  it('a missing key: 401 {message, code}', async () => {
    for (const method of ['GET', 'POST']) {
      const r = await failing(method, '/audit_logs/events', { key: null, body: method === 'POST' ? auditLogBody() : undefined });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ message: expect.stringContaining('Unauthorized'), code: 'unauthorized' });
    }
  });
});

describe('renderApiError', () => {
  // What events/list.ts throws for a cursor once it speaks in neutral problems.
  const cursorError = new AppError('validation_failed', 'after must be the id of an event in this project.', {
    problems: [{ path: ['after'], kind: 'invalid', message: 'after must be the id of an event in this project' }],
  });

  it.each([
    ['legacy', { field: 'after', code: 'after must be the id of an event in this project' }],
    ['audit_logs', { code: 'invalid', field: 'after', message: 'after must be the id of an event in this project' }],
  ] as const)('renders a lower layer\'s problems in the %s shape', (wire, error) => {
    expect(renderApiError(cursorError, wire)).toEqual({
      status: 422,
      body: { message: 'after must be the id of an event in this project.', code: 'validation_failed', errors: [error] },
    });
  });

  it('passes an errors array built elsewhere through unchanged, in either shape', () => {
    const err = new AppError('validation_failed', 'Nope.', { errors: [{ field: 'x', code: 'x is wrong' }] });
    for (const wire of ['legacy', 'audit_logs'] as const) {
      expect(renderApiError(err, wire).body).toEqual({ message: 'Nope.', code: 'validation_failed', errors: [{ field: 'x', code: 'x is wrong' }] });
    }
  });

  it('renders problems in the legacy shape where no API claimed the request', () => {
    expect(renderApiError(cursorError, undefined).body.errors).toEqual([
      { field: 'after', code: 'after must be the id of an event in this project' },
    ]);
  });

  it('the project store throws neutral problems', () => {
    let thrown: unknown;
    try {
      validateProjectName(' ');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).errors).toBeUndefined();
    expect((thrown as AppError).problems).toEqual([{ path: ['name'], kind: 'invalid', message: 'name must be 1 to 64 characters' }]);
  });
});
