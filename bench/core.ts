// The benchmark's shared core, bundled with esbuild so it runs the Worker's own code
// (validation, row preparation, the write batch, the list queries) in Node against a
// raw SQLite file: "the limit" uses exactly Waymark's schema and SQL.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { drizzle } from 'drizzle-orm/d1';
import { parseAuditLogEvent } from '../src/api/wire/audit-logs';
import type { NewEvent } from '../src/events/model';
import { rng, slug } from '../src/demo/generate';
import { listEvents, type EventQuery } from '../src/events/list';
import { timeline } from '../src/events/timeline';
import { writeEvents, type Db } from '../src/events/store';
import { decodeRaw, type RowText } from '../src/events/stored-raw';
export { decodeRaw };

// ---------------------------------------------------------------------------------
// A D1-shaped adapter over node:sqlite, so drizzle and writeEvents run unchanged.

type Row = Record<string, unknown>;

class Statement {
  constructor(
    private readonly adapter: SqliteD1,
    readonly query: string,
    readonly params: unknown[] = [],
  ) {}
  bind(...params: unknown[]) {
    return new Statement(this.adapter, this.query, params);
  }
  private stmt(): StatementSync {
    return this.adapter.cached(this.query);
  }
  private get isRead() {
    return /^\s*(SELECT|WITH|EXPLAIN|PRAGMA)/i.test(this.query);
  }
  execute() {
    const p = this.params as never[];
    this.adapter.sqlCalls++;
    const t = performance.now();
    try {
      if (this.isRead) return { results: this.stmt().all(...p) as Row[], success: true, meta: {} };
      const r = this.stmt().run(...p);
      return { results: [], success: true, meta: { changes: Number(r.changes), last_row_id: Number(r.lastInsertRowid) } };
    } finally {
      this.adapter.sqlMs += performance.now() - t;
    }
  }
  async all() {
    return this.execute();
  }
  async run() {
    return this.execute();
  }
  async first(column?: string) {
    this.adapter.sqlCalls++;
    const t = performance.now();
    const row = (this.stmt().get(...(this.params as never[])) as Row | undefined) ?? null;
    this.adapter.sqlMs += performance.now() - t;
    return column && row ? row[column] : row;
  }
  async raw() {
    this.adapter.sqlCalls++;
    const t = performance.now();
    const rows = this.stmt().all(...(this.params as never[])) as Row[];
    this.adapter.sqlMs += performance.now() - t;
    return rows.map((r) => Object.values(r));
  }
}

export class SqliteD1 {
  private readonly statements = new Map<string, StatementSync>();
  /**
   * Milliseconds spent inside SQLite (preparing, stepping, handing rows to JS), summed over
   * statements: the part of a request a D1 database would spend, serially, on it. The rest
   * of a list request is the Worker's own CPU (decoding stored events, building the page).
   */
  sqlMs = 0;
  /** Statements run (each of a batch counts): how many round trips a request would make to D1, batches aside. */
  sqlCalls = 0;
  constructor(readonly db: DatabaseSync) {}
  cached(query: string): StatementSync {
    let s = this.statements.get(query);
    if (!s) {
      s = this.db.prepare(query);
      this.statements.set(query, s);
    }
    return s;
  }
  prepare(query: string) {
    return new Statement(this, query);
  }
  async batch(statements: Statement[]) {
    this.db.exec('BEGIN');
    try {
      const out = statements.map((s) => s.execute());
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }
  async exec(query: string) {
    this.db.exec(query);
    return { count: 0, duration: 0 };
  }
}

export function openRaw(file: string): { db: Db; sqlite: DatabaseSync; adapter: SqliteD1 } {
  const sqlite = new DatabaseSync(file);
  // raw_text(raw, organization_id, action, actor_id, actor_name, actor_email, location, targets): the event's JSON,
  // deflated or not (stored-raw.ts), for checks written in SQL.
  sqlite.function('raw_text', { deterministic: true }, (raw, organizationId, action, actorId, actorName, actorEmail, location, targets) =>
    decodeRaw(raw as string | Uint8Array, { organizationId, action, actorId, actorName, actorEmail, location, targets } as RowText),
  );
  sqlite.exec('PRAGMA busy_timeout = 30000;');
  sqlite.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  const adapter = new SqliteD1(sqlite);
  return { db: drizzle(adapter as unknown as D1Database) as Db, sqlite, adapter };
}

// ---------------------------------------------------------------------------------
// A deterministic, realistic data set: power-law actors, actions and organizations.

export const BENCH_PROJECTS = ['proj_default', 'proj_demo', 'proj_bench'] as const;
export const ORGANIZATIONS = 500;
export const ACTORS = 40_000;
export const YEAR_MS = 365 * 86_400_000;

const FIRST = ['Clarence', 'Zoë', 'Malcolm', 'Inara', 'Kaylee', 'Hoban', 'Jayne', 'Simon', 'River', 'Derrial', 'Ada', 'Grace', 'Alan', 'Katherine', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Edsger', 'Frances', 'Radia', 'Ken', 'Sophie', 'Tim', 'Hedy', 'John', 'Mary', 'Niklaus', 'Annie', 'Donald', 'Anita', 'Guido', 'José', 'Björn', 'Chloé', 'Łukasz', 'Priya', 'Wei', 'Amara', 'Mateo'];
const LAST = ['Birdseye', 'Washburne', 'Reynolds', 'Serra', 'Frye', 'Cobb', 'Tam', 'Book', 'Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Dijkstra', 'Allen', 'Perlman', 'Thompson', 'Wilson', 'Lamarr', 'McCarthy', 'Keller', 'Wirth', 'Easley', 'Knuth', 'Borg', 'Núñez', 'Øster', 'Okafor', 'Nakamura', 'Schmidt', 'Rossi', 'Kowalski', 'Haddad', 'Singh', 'Chen', 'Silva', 'Dubois', 'Larsen', 'Novak', 'Ivanova', 'Moreau', 'Fischer', 'Costa', 'Yilmaz', 'Andersson', 'Murphy', 'Kim'];
const ACTIONS = [
  'user.signed_in', 'user.signed_out', 'document.viewed', 'user.searched_audit_trail_events', 'document.exported', 'document.shared',
  'member.invited', 'role.updated', 'document.deleted', 'user.password_changed', 'api_key.created', 'api_key.revoked', 'billing.plan_changed',
  'sso.connection_updated', 'webhook.endpoint_created', 'user.mfa_enabled', 'member.removed', 'project.created', 'project.archived',
  'invoice.paid', 'report.generated', 'dashboard.viewed', 'integration.connected', 'integration.disconnected', 'team.created',
  'team.renamed', 'policy.updated', 'secret.rotated', 'export.requested', 'export.downloaded', 'comment.created', 'comment.deleted',
  'file.uploaded', 'file.downloaded', 'workspace.settings_changed', 'user.email_changed', 'user.deleted', 'session.revoked',
  'audit_log.streamed', 'directory.synced',
];

export function orgId(i: number) {
  return `org_${String(i).padStart(4, '0')}_${(i * 2654435761 >>> 0).toString(36)}`;
}
const orgDomain = (i: number) => `company${i}.example`;

export function actor(i: number) {
  const first = i === 7 ? 'Clarence' : FIRST[(i * 7) % FIRST.length];
  const last = i === 7 ? 'Birdseye' : LAST[(i * 13 + Math.floor(i / FIRST.length)) % LAST.length];
  const org = i % ORGANIZATIONS;
  return { id: `user_${i.toString(36).padStart(5, '0')}`, name: `${first} ${last}`, email: `${slug(first)}.${slug(last)}.${i}@${orgDomain(org)}`, org };
}

export interface BenchEvent {
  projectId: string;
  body: { organization_id: string; event: Record<string, unknown> };
}

/**
 * Arrival order is not time order in real traffic, and the searches' newest-first plans are
 * exact only because they check where the two disagree (search/by-window.ts): a data set in
 * time order never runs those checks. Events arrive in i's order; their time is drawn from i
 * and then moved, from a generator of its own (every other field is as it was):
 * - 3% arrive late, dated earlier than their place by an exponential delay, mean 10
 *   minutes, at most a day (queued retries, clients that were offline);
 * - 0.5% are dated up to 60 s ahead of their place (a clock running fast);
 * - the last 1% of a run's arrivals are an import: each dated uniformly over the 90 days
 *   before its place (a customer's history loaded while it goes live). Its events are the
 *   newest matches by arrival of most searches but not the newest by time: what a window
 *   cannot prove, and by-recent.ts serves.
 * At 1,000,000 events a place is about 32 s of time, so a 10-minute delay crosses about 20
 * arrivals, a day about 2,700, the import's 90 days about 245,000. Times stay at or before
 * `end` for the first `total` events. Returns milliseconds to add to the event's time.
 */
export function timeDisorder(i: number, total: number): number {
  const r = rng(i * 104_729 + 17);
  if (i >= total * 0.99 && i < total) return -Math.floor(r() * 90 * 86_400_000);
  const kind = r();
  if (kind < 0.03) return -Math.min(86_400_000, Math.floor(-Math.log(1 - r()) * 600_000));
  if (kind < 0.035) return Math.floor(r() * 60_000);
  return 0;
}

/** Event number `i` of `total`: the same every run. Arrival order is i; time rises with i, moved by timeDisorder. */
export function benchEvent(i: number, total: number, end: number): BenchEvent {
  const r = rng(i * 7919 + 1);
  const p = r();
  const projectId = p < 0.5 ? BENCH_PROJECTS[0] : p < 0.8 ? BENCH_PROJECTS[1] : BENCH_PROJECTS[2];
  const a = actor(Math.floor(Math.pow(r(), 3) * ACTORS));
  const action = ACTIONS[Math.floor(Math.pow(r(), 2.2) * ACTIONS.length)];
  const placed = end - YEAR_MS + Math.floor(((i + r()) / total) * YEAR_MS) + timeDisorder(i, total);
  const occurred = i < total ? Math.min(end, placed) : placed;
  const doc = Math.floor(Math.pow(r(), 2) * 5000);
  const target = action.startsWith('document.') || action.startsWith('file.')
    ? { id: `doc_${doc.toString(36)}`, type: 'document', name: `Document ${doc} ${['report', 'plan', 'contract', 'notes'][doc % 4]}.pdf` }
    : { id: `${action.split('.')[0]}_${Math.floor(r() * 1e7).toString(36)}`, type: action.split('.')[0], name: `${action.split('.')[0]} ${Math.floor(r() * 1000)}` };
  return {
    projectId,
    body: {
      organization_id: orgId(a.org),
      event: {
        action,
        occurred_at: new Date(occurred).toISOString(),
        actor: { id: a.id, type: 'user', name: a.name, metadata: { email: a.email } },
        targets: [target],
        context: { location: `10.${(a.org >> 8) & 255}.${a.org & 255}.${(Number.parseInt(a.id.slice(5), 36) % 250) + 1}`, user_agent: r() < 0.8 ? 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15' : 'acme-cli/2.4.1' },
        metadata: { plan: ['free', 'starter', 'pro', 'enterprise'][Math.floor(Math.pow(r(), 0.7) * 4)], request_id: `req_${Math.floor(r() * 1e12).toString(36)}` },
      },
    },
  };
}

export function toNewEvent(b: BenchEvent): NewEvent {
  const parsed = parseAuditLogEvent(b.body, JSON.stringify(b.body.event), () => Date.now() + YEAR_MS);
  if (!parsed.ok) throw new Error(`bench event invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.event;
}

/** Inserts events through Waymark's own write batch (no idempotency claim), grouped by project. */
export async function insertBatch(db: Db, batch: BenchEvent[], now: number): Promise<void> {
  const byProject = new Map<string, NewEvent[]>();
  for (const b of batch) {
    const list = byProject.get(b.projectId) ?? [];
    list.push(toNewEvent(b));
    byProject.set(b.projectId, list);
  }
  for (const [projectId, events] of byProject) {
    await writeEvents(db, { projectId, events, now, requestId: 'req_bench', respond: () => ({ status: 200, body: {} }) });
  }
}

export { listEvents, timeline, writeEvents, type EventQuery };
export { compactSearchIndex } from '../src/events/search/merge';

// ---------------------------------------------------------------------------------
// A reference for the benchmark's correctness check: every event of a project read
// with a plain scan, its words per column, and a predicate per query case evaluated in
// JS. No FTS index, no planner: a faster wrong answer cannot pass.

import { ROW_COLUMNS, toEvent, type ListRow } from '../src/events/rows';
import { FTS_COLUMNS, ftsRow, searchWords, type FtsColumn } from '../src/events/search/fts';
import { sql } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { events } from '../src/events/schema';

export interface RefEvent {
  seq: number;
  id: string;
  occurredAt: number;
  organizationId: string;
  targetIds: string[];
  /** The words of each index column, untagged. */
  words: Record<FtsColumn, string[]>;
}

export function loadReference(sqlite: DatabaseSync, projectId: string): RefEvent[] {
  // The Worker's own columns (ROW_COLUMNS: a deflated raw as hex), rendered for node:sqlite.
  const query = new SQLiteSyncDialect().sqlToQuery(sql`SELECT ${events.seq} AS seq, ${ROW_COLUMNS} FROM ${events} WHERE ${events.projectId} = ${projectId}`);
  const rows = sqlite.prepare(query.sql).all(...(query.params as never[])) as unknown as (ListRow & { seq: number })[];
  return rows.map((r) => {
    const e = toEvent(r);
    const f = ftsRow(e);
    const words = {} as Record<FtsColumn, string[]>;
    // The index row's tokens without their tag (organization tokens dropped: not text).
    for (const c of FTS_COLUMNS) words[c] = f[c].split(' ').filter((t) => t && !t.includes('__')).map((t) => t.slice(t.indexOf('_') + 1));
    return { seq: r.seq, id: r.id, occurredAt: r.occurredAt, organizationId: r.organizationId, targetIds: e.targets.map((t) => t.id), words };
  });
}

const PRIMARY: FtsColumn[] = ['event_id', 'actor_id', 'actor_email', 'actor_name', 'action', 'target', 'org', 'place'];

/** True when `text`'s words appear in order in one column (the last one as a prefix when `prefix`). */
export function refHas(e: RefEvent, text: string, prefix: boolean, columns: readonly FtsColumn[] = FTS_COLUMNS): boolean {
  const want = searchWords(text);
  return columns.some((c) => {
    const w = e.words[c];
    for (let i = 0; i + want.length <= w.length; i++) {
      if (want.every((x, k) => (prefix && k === want.length - 1 ? w[i + k].startsWith(x) : w[i + k] === x))) return true;
    }
    return false;
  });
}
export const refPrimary = PRIMARY;

/** A page (ids) and `more`, newest first, of the events `keep` accepts: the first, or the one `skip` events further. */
export function refPage(events: RefEvent[], keep: (e: RefEvent) => boolean, limit: number, skip = 0): { ids: string[]; more: boolean } {
  const hits = events.filter(keep).sort((a, b) => b.occurredAt - a.occurredAt || b.seq - a.seq);
  return { ids: hits.slice(skip, skip + limit).map((e) => e.id), more: hits.length > skip + limit };
}
export { usageStatement } from '../src/usage/store';
