// Which paths the dashboard owns (HTML errors) follows from what it mounts.
import { describe, expect, it } from 'vitest';
import { isDashboardPath } from '../../src/dashboard';

describe('isDashboardPath', () => {
  it.each([
    ['/', true],
    ['/login', true],
    ['/logout', true],
    ['/projects', true],
    ['/projects/proj_demo', true],
    ['/projects/proj_demo/events', true],
    ['/projects/proj_demo/events/evt_01HZZZZZZZZZZZZZZZZZZZZZZZ', true],
    ['/projects/proj_demo/keys/key_1/revoke', true],
    ['/projects/proj_demo/nothing-here', true],
    ['/events', false],
    ['/events/evt_01HZZZZZZZZZZZZZZZZZZZZZZZ', false],
    ['/audit_logs/events', false],
    ['/livez', false],
    ['/healthz', false],
    ['/loginx', false],
    ['/projectsx', false],
  ])('%s → %s', (path, owned) => {
    expect(isDashboardPath(path)).toBe(owned);
  });
});
