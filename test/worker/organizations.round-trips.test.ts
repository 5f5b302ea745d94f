// D1 round trips per organizations and retention request, counted through a wrapper around
// the real binding (key lookups and project settings come from KV and the isolate's memory).
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { countingD1 } from './d1-counter';
import { DEFAULT_KEY } from './helpers';

const counter = countingD1(env.DB);
const countedEnv = { ...env, DB: counter.db };

async function roundTrips(method: string, path: string, body?: unknown): Promise<{ status: number; trips: number; json: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${DEFAULT_KEY}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const ctx = createExecutionContext();
  counter.reset();
  const response = await worker.fetch(new Request(`http://waymark.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), countedEnv, ctx);
  const text = await response.text();
  const trips = counter.count();
  await waitOnExecutionContext(ctx);
  return { status: response.status, trips, json: text ? JSON.parse(text) : null };
}

describe('D1 round trips per organizations request', () => {
  it('create, read, list, update, delete and retention', async () => {
    await roundTrips('GET', '/organizations'); // warm the isolate (bootstrap, key and settings memory)
    const created = await roundTrips('POST', '/organizations', { name: 'Trips' });
    expect(created.status).toBe(201);
    expect(created.trips).toBe(1); // one batch: the organization and its domains
    const withExternal = await roundTrips('POST', '/organizations', { name: 'Trips 2', external_id: 'trips-2' });
    expect(withExternal.trips).toBe(2); // the external id's uniqueness, then the batch
    const id = created.json.id;
    expect((await roundTrips('GET', `/organizations/${id}`)).trips).toBe(1);
    expect((await roundTrips('GET', '/organizations/external_id/trips-2')).trips).toBe(1);
    expect((await roundTrips('GET', '/organizations?limit=5')).trips).toBe(1);
    expect((await roundTrips('GET', '/organizations?domains[]=a.example.com')).trips).toBe(1);
    expect((await roundTrips('PUT', `/organizations/${id}`, { name: 'Trips renamed' })).trips).toBe(2); // read, then the batch
    expect((await roundTrips('GET', `/organizations/${id}/audit_logs_retention`)).trips).toBe(1);
    const put = await roundTrips('PUT', `/organizations/${id}/audit_logs_retention`, { retention_period: '1_YEAR' });
    expect(put.json.retention_period_in_days).toBe(365);
    expect(put.trips).toBe(1); // the upsert returns what now applies
    const deleted = await roundTrips('DELETE', `/organizations/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.trips).toBe(1);
  }, 30_000);
});
