// "Monitor your API use": requests per day by outcome (server-rendered SVG), totals
// per endpoint, events ingested per day, and the most recent failed requests.
import type { FailureRecord, UsageDay } from '../../usage/store';
import { USAGE_DAYS, utcDay } from '../../usage/store';
import { Empty } from '../components/empty';
import { Table, type Column } from '../components/table';
import { Time } from '../components/time';
import { BarChart } from './bar-chart';
import { describeTier, RATE_TIERS, type RateTier } from '../../projects/rate-limits';

const OUTCOMES = ['2xx', '4xx', '5xx'] as const;

export interface UsageData {
  days: UsageDay[];
  failures: FailureRecord[];
  now: number;
  /** The project's rate-limit tier, and what the form needs to change it. */
  rateLimit: { tier: RateTier; action: string; csrf: string; limited: number };
}

/** The project's rate limit per API key, and a form to choose another tier. */
function RateLimitCard({ rateLimit }: Pick<UsageData, 'rateLimit'>) {
  return (
    <section class="card" data-testid="rate-limit">
      <h2>Rate limit</h2>
      <p>
        <strong data-testid="rate-limit-tier">{describeTier(rateLimit.tier)}</strong>, counted by Cloudflare in each location. Over the
        limit, a request gets <code>429 rate_limit_exceeded</code> with <code>Retry-After</code>; WorkOS's SDKs wait and retry with the
        same idempotency key, so nothing is stored twice.{' '}
        {rateLimit.limited > 0 ? <span data-testid="rate-limited">{rateLimit.limited.toLocaleString('en-US')} of the recent failures below were rate-limited.</span> : null}
      </p>
      <form method="post" action={rateLimit.action} class="inline-form">
        <input type="hidden" name="_csrf" value={rateLimit.csrf} />
        <label>
          <span>Tier</span>
          <select name="rate_limit" data-testid="rate-limit-select">
            {(Object.keys(RATE_TIERS) as RateTier[]).map((t) => (
              <option value={t} selected={t === rateLimit.tier}>
                {describeTier(t)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" data-testid="rate-limit-save">
          Save
        </button>
      </form>
    </section>
  );
}

function lastDays(now: number): string[] {
  return Array.from({ length: USAGE_DAYS }, (_, i) => utcDay(now - (USAGE_DAYS - 1 - i) * 86_400_000));
}

const ENDPOINT_COLUMNS: Column[] = [
  { label: 'Endpoint' },
  { label: '2xx', class: 'num' },
  { label: '4xx', class: 'num' },
  { label: '5xx', class: 'num' },
  { label: 'Events', class: 'num' },
];
const FAILURE_COLUMNS: Column[] = [{ label: 'When' }, { label: 'Request' }, { label: 'Status' }, { label: 'Error' }, { label: 'Request id' }];

export function UsagePage({ days, failures, now, rateLimit }: UsageData) {
  const axis = lastDays(now);
  const index = new Map(axis.map((d, i) => [d, i]));
  const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, axis.map(() => 0)])) as Record<(typeof OUTCOMES)[number], number[]>;
  const events = axis.map(() => 0);
  const endpoints = new Map<string, Record<string, number>>();
  for (const row of days) {
    const i = index.get(row.day);
    if (i === undefined) continue;
    const outcome = row.statusClass as (typeof OUTCOMES)[number];
    if (byOutcome[outcome]) byOutcome[outcome][i] += row.requests;
    events[i] += row.events;
    const e = endpoints.get(row.endpoint) ?? { '2xx': 0, '4xx': 0, '5xx': 0, events: 0 };
    e[outcome] = (e[outcome] ?? 0) + row.requests;
    e.events += row.events;
    endpoints.set(row.endpoint, e);
  }
  const total = OUTCOMES.reduce((s, o) => s + byOutcome[o].reduce((a, b) => a + b, 0), 0);
  const clientErrors = byOutcome['4xx'].reduce((a, b) => a + b, 0);
  const serverErrors = byOutcome['5xx'].reduce((a, b) => a + b, 0);
  const share = (n: number) => (total === 0 ? '—' : `${((n / total) * 100).toFixed(1)}%`);
  const ingested = events.reduce((a, b) => a + b, 0);
  return (
    <>
      <header class="page-head">
        <h1>Usage</h1>
        <p class="sub">API requests to this project over the last {USAGE_DAYS} days (UTC), by endpoint and outcome.</p>
      </header>
      <section class="stats">
        <div class="stat">
          <span class="stat-value" data-testid="total-requests">{total.toLocaleString('en-US')}</span>
          <span class="stat-label">requests</span>
        </div>
        <div class="stat">
          <span class="stat-value">{ingested.toLocaleString('en-US')}</span>
          <span class="stat-label">events ingested</span>
        </div>
        <div class="stat" title="Requests Waymark refused (bad input, bad key, rate limit): fix them in the calling app.">
          <span class={`stat-value ${clientErrors > 0 ? 'warn' : ''}`} data-testid="client-errors">
            {share(clientErrors)}
          </span>
          <span class="stat-label">client errors (4xx)</span>
        </div>
        <div class="stat" title="Requests Waymark could not serve: retry them; they are Waymark's to fix.">
          <span class={`stat-value ${serverErrors > 0 ? 'bad' : ''}`} data-testid="server-errors">
            {share(serverErrors)}
          </span>
          <span class="stat-label">server errors (5xx)</span>
        </div>
      </section>
      <RateLimitCard rateLimit={rateLimit} />
      {total === 0 ? (
        <Empty title="No API requests yet">
          <p>Requests made with this project's keys show up here within seconds.</p>
        </Empty>
      ) : (
        <>
          <section class="card">
            <h2>Requests per day</h2>
            <p class="legend">
              <span class="swatch ok" /> 2xx <span class="swatch warn" /> 4xx <span class="swatch bad" /> 5xx
            </p>
            <BarChart
              days={axis}
              label="Requests per day by outcome"
              testId="requests-chart"
              series={[
                { name: '2xx', className: 'ok', values: byOutcome['2xx'] },
                { name: '4xx', className: 'warn', values: byOutcome['4xx'] },
                { name: '5xx', className: 'bad', values: byOutcome['5xx'] },
              ]}
            />
          </section>
          <section class="card">
            <h2>Events ingested per day</h2>
            <BarChart days={axis} label="Events ingested per day" testId="events-chart" series={[{ name: 'events', className: 'ink', values: events }]} />
          </section>
          <section class="card">
            <h2>By endpoint</h2>
            <Table testId="endpoints-table" columns={ENDPOINT_COLUMNS}>
              {[...endpoints.entries()]
                .sort((a, b) => a[0].localeCompare(b[0]))
                .map(([endpoint, n]) => (
                  <tr>
                    <td class="mono">{endpoint}</td>
                    <td class="num">{n['2xx'].toLocaleString('en-US')}</td>
                    <td class="num">{n['4xx'].toLocaleString('en-US')}</td>
                    <td class="num">{n['5xx'].toLocaleString('en-US')}</td>
                    <td class="num">{n.events.toLocaleString('en-US')}</td>
                  </tr>
                ))}
            </Table>
          </section>
        </>
      )}
      <section class="card">
        <h2>Recent failed requests</h2>
        <p class="muted small">4xx: refused as sent (the message says what to change). 5xx: Waymark could not serve it; safe to retry.</p>
        {failures.length === 0 ? (
          <p class="muted">No failed requests in the last {USAGE_DAYS} days.</p>
        ) : (
          <Table testId="failures-table" columns={FAILURE_COLUMNS}>
            {failures.map((f) => (
              <tr>
                <td>
                  <Time ms={f.at} now={now} />
                </td>
                <td class="mono">
                  {f.method} {f.path}
                </td>
                <td>
                  <span class={`badge ${f.status >= 500 ? 'bad' : 'warn'}`}>{f.status}</span>
                </td>
                <td>
                  {f.code ? <code>{f.code}</code> : null} {f.message}
                </td>
                <td class="mono small">{f.requestId}</td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </>
  );
}
