// The Queue delivers at least once: two deliveries of the same export job may run at the same
// time. Whatever they interleave, the export must end `ready` with every row once.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { runExportStep } from '../../src/exports/run';
import { createExport, getExport } from '../../src/exports/store';
import { auditLogBody, call } from './helpers';

const db = () => drizzle(env.DB);

describe('export job delivered twice at once', () => {
  it('two concurrent steps of one export end ready with every row once', async () => {
    const events = Array.from({ length: 20 }, () => auditLogBody({}, 'org_dup'));
    const r = await call('POST', '/audit_logs/events/batch', { body: { events } });
    expect(r.status).toBe(200);
    const sent = r.body.ids as string[];
    const e = await createExport(db(), { projectId: 'proj_default', organizationId: 'org_dup', format: 'ndjson', query: { organizationIds: ['org_dup'] }, now: Date.now() });
    const opts = { now: Date.now };
    const results = await Promise.allSettled([
      runExportStep(db(), env.EXPORTS, 'proj_default', e.id, opts),
      runExportStep(db(), env.EXPORTS, 'proj_default', e.id, opts),
    ]);
    // Let any delivery that failed be retried, as the Queue would.
    for (let i = 0; i < 5; i++) {
      const now = await getExport(db(), 'proj_default', e.id);
      if (now!.state !== 'pending') break;
      await runExportStep(db(), env.EXPORTS, 'proj_default', e.id, opts).catch(() => undefined);
    }
    const done = await getExport(db(), 'proj_default', e.id);
    expect(done!.state, JSON.stringify({ results: results.map((x) => x.status === 'rejected' ? String(x.reason) : x.value), error: done!.error })).toBe('ready');
    const file = await env.EXPORTS.list({ prefix: `exports/proj_default/${e.id}` });
    const text = await (await env.EXPORTS.get(file.objects.find((o) => !o.key.includes('carry'))!.key))!.text();
    const ids = text.trim().split('\n').map((l) => JSON.parse(l).id as string);
    expect(ids).toHaveLength(20);
    expect(new Set(ids)).toEqual(new Set(sent));
  });
});
