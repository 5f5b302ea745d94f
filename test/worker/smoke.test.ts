import { describe, expect, it } from 'vitest';
import { call, legacyEvent } from './helpers';

describe('smoke', () => {
  it('creates and lists', async () => {
    const r = await call('POST', '/events', { body: legacyEvent() });
    expect(r.status, r.text).toBe(201);
    const l = await call('GET', '/events');
    expect(l.status, l.text).toBe(200);
    expect(l.body.data.length).toBe(1);
    const s = await call('GET', '/events?search=clar');
    expect(s.body.data.length, s.text).toBe(1);
  });
});
