// The search engine: the query language's parser, a relevance suite over a fixed data
// set, and the query plans of the main lists.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchExpressions, parseSearch } from '../../src/events/search/language';
import { explainList, listEvents } from '../../src/events/list';
import { sql } from 'drizzle-orm';
import { createProject } from '../../src/projects/store';
import { createKey } from '../../src/projects/keys-store';
import { call } from './helpers';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

describe('the query language parser', () => {
  it.each([
    ['plain words, last one a prefix', 'clarence bird', { terms: [{ phrase: 'clarence', prefix: false }, { phrase: 'bird', prefix: true }] }],
    ['a trailing space ends the prefix', 'clarence ', { terms: [{ phrase: 'clarence', prefix: false }] }],
    ['a quoted phrase', '"Q3 report"', { terms: [{ phrase: 'Q3 report', prefix: false }] }],
    ['exclusion', 'signed -out', { terms: [{ phrase: 'signed', negated: false }, { phrase: 'out', negated: true }] }],
    ['actor:', 'actor:clarence', { terms: [{ phrase: 'clarence', columns: '{actor_id actor_email actor_name}' }] }],
    ['actor: quoted', 'actor:"Clarence Birdseye"', { terms: [{ phrase: 'Clarence Birdseye', columns: '{actor_id actor_email actor_name}', prefix: false }] }],
    ['target:', 'target:report', { terms: [{ phrase: 'report', columns: '{target}' }] }],
    ['org:', 'org:org_123', { terms: [], organizations: ['org_123'] }],
    ['-org:', '-org:org_123', { terms: [], notOrganizations: ['org_123'] }],
    ['org: with a prefix searches the words', 'org:acme*', { terms: [{ phrase: 'acme*', columns: '{org}' }], organizations: [] }],
    ['ip:', 'ip:203.0.113.7', { terms: [{ phrase: '203.0.113.7', columns: '{place}' }] }],
    ['action: exact', 'action:user.signed_in', { actions: ['user.signed_in'] }],
    ['action: prefix', 'action:user.*', { actionPrefixes: ['user.'] }],
    ['action: excluded', '-action:user.signed_in', { notActions: ['user.signed_in'] }],
    ['action: a word', 'action:searched', { terms: [{ phrase: 'searched', columns: '{action}' }] }],
    ['a bare action prefix', 'user.', { terms: [{ phrase: 'user.', columns: '{action}', prefix: true }] }],
    ['type:', 'type:c,u', { actionTypes: ['c', 'u'] }],
    ['after: relative', 'after:7d', { after: NOW - 7 * 86_400_000 }],
    ['before: a date', 'before:2026-11-01', { before: Date.UTC(2026, 10, 1) }],
    ['an event id', 'evt_01j9zzzzzzzzzzzzzzzzzzzzzz', { eventIds: ['evt_01J9ZZZZZZZZZZZZZZZZZZZZZZ'] }],
    ['unknown qualifier is text (and metadata)', 'plan:pro', { terms: [{ phrase: 'plan pro', columns: null }] }],
    ['a bad date is text', 'after:someday', { terms: [{ phrase: 'after someday' }] }],
    ['a bad type is text', 'type:x', { terms: [{ phrase: 'type x' }] }],
  ])('%s', (_name, input, expected) => {
    expect(parseSearch(input, NOW)).toMatchObject(expected);
  });

  it('never throws and always yields a safe expression, whatever the input', () => {
    const alphabet = ['"', "'", '*', '-', ':', '(', ')', 'NEAR', 'AND', 'OR', 'NOT', '^', '{', '}', ' ', 'a', 'é', '😀', '\u0000', 'actor:', 'after:', 'type:', 'evt_'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const s = Array.from({ length: next() % 30 }, () => alphabet[next() % alphabet.length]).join('');
      const parsed = parseSearch(s, NOW);
      const { include, exclude } = matchExpressions(parsed, '{event_id actor_name}');
      for (const expr of [include, exclude]) if (expr) expect(expr).not.toMatch(/^[^"{]/);
    }
    expect(() => parseSearch('x'.repeat(100_000), NOW)).not.toThrow();
  });
});

// A fixed data set for relevance: who is where is known, so the expected top result is too.
let key: string;
let relevanceProject: string;
const ids: Record<string, string> = {};

async function post(name: string, body: object) {
  const r = await call('POST', '/audit_logs/events', { key, body });
  expect(r.status, r.text).toBe(200);
  ids[name] = r.body.id;
}

const event = (o: { action?: string; at: number; actor: object; targets?: object[]; org?: string; ip?: string; metadata?: object }) => ({
  organization_id: o.org ?? 'org_birdseye',
  event: {
    action: o.action ?? 'user.signed_in',
    occurred_at: new Date(NOW - o.at * 3_600_000).toISOString(),
    actor: o.actor,
    targets: o.targets ?? [{ id: 'sess_1', type: 'session' }],
    context: { location: o.ip ?? '198.51.100.1' },
    metadata: o.metadata ?? {},
  },
});

const clarence = { id: 'user_clarence', type: 'user', name: 'Clarence Birdseye', metadata: { email: 'clarence@birdseye.example' } };
const zoe = { id: 'user_zoe', type: 'user', name: 'Zoë Washburne', metadata: { email: 'zoe@serenity.example' } };
const mal = { id: 'user_mal', type: 'user', name: 'Malcolm Reynolds', metadata: { email: 'mal@serenity.example' } };

beforeAll(async () => {
  const project = await createProject(env.KV, { name: 'Relevance', now: NOW });
  relevanceProject = project.id;
  key = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'r', now: NOW })).plain;
  await post('clarenceSignIn', event({ at: 50, actor: clarence, ip: '203.0.113.7' }));
  await post('clarenceSearch', event({ at: 40, actor: clarence, action: 'user.searched_audit_trail_events', metadata: { query: 'exports' } }));
  await post('clarenceExport', event({ at: 30, actor: clarence, action: 'document.exported', targets: [{ id: 'doc_q3', type: 'document', name: 'Q3 report.pdf' }], metadata: { plan: 'pro' } }));
  await post('zoeSignIn', event({ at: 20, actor: zoe, org: 'org_serenity' }));
  await post('malMentionsClarence', event({ at: 10, actor: mal, org: 'org_serenity', action: 'user.searched_audit_trail_events', metadata: { query: 'clarence' } }));
  await post('malRole', event({ at: 5, actor: mal, org: 'org_serenity', action: 'role.updated', targets: [{ id: 'user_clarence', type: 'user', name: 'Clarence Birdseye' }], metadata: { plan: 'free' } }));
  await post('oldZoe', event({ at: 24 * 30, actor: zoe, org: 'org_serenity', action: 'document.deleted', targets: [{ id: 'doc_old', type: 'document', name: 'Old manifest' }] }));
  await post('legacyLike', event({ at: 2, actor: { id: 'svc_backup', type: 'service', name: 'Backup robot' }, action: 'backup.completed', ip: 'backup-host-7.internal' }));
});

const search = async (q: string, extra = '') => {
  const r = await call('GET', `/events?limit=100&search=${encodeURIComponent(q)}${extra}`, { key });
  expect(r.status, r.text).toBe(200);
  return r.body.data.map((e: { id: string }) => Object.keys(ids).find((k) => ids[k] === e.id));
};

describe('relevance suite (newest first unless asked)', () => {
  it.each([
    ['a full name', 'Clarence Birdseye', ['malRole', 'clarenceExport', 'clarenceSearch', 'clarenceSignIn']],
    ['a name prefix', 'clar', ['malRole', 'clarenceExport', 'clarenceSearch', 'clarenceSignIn']],
    ['an email', 'clarence@birdseye.example', ['clarenceExport', 'clarenceSearch', 'clarenceSignIn']],
    ['an email domain', 'serenity.example', ['malRole', 'malMentionsClarence', 'zoeSignIn', 'oldZoe']],
    ['an email local part (actor:)', 'actor:zoe', ['zoeSignIn', 'oldZoe']],
    ['a full action', 'user.searched_audit_trail_events', ['malMentionsClarence', 'clarenceSearch']],
    ['a word of an action', 'searched', ['malMentionsClarence', 'clarenceSearch']],
    ['an action prefix', 'user.', ['malMentionsClarence', 'zoeSignIn', 'clarenceSearch', 'clarenceSignIn']],
    ['action: with a wildcard', 'action:document.*', ['clarenceExport', 'oldZoe']],
    ['diacritics fold', 'zoe', ['zoeSignIn', 'oldZoe']],
    ['case never matters', 'ZOË WASHBURNE', ['zoeSignIn', 'oldZoe']],
    ['an organization', 'org:org_serenity', ['malRole', 'malMentionsClarence', 'zoeSignIn', 'oldZoe']],
    ['an IP address', '203.0.113.7', ['clarenceSignIn']],
    ['ip:', 'ip:backup-host-7', ['legacyLike']],
    ['a target name', '"Q3 report"', ['clarenceExport']],
    ['a target id', 'doc_q3', ['clarenceExport']],
    ['target:', 'target:clarence', ['malRole']],
    ['metadata key:value', 'plan:pro', ['clarenceExport']],
    ['metadata only when nothing else matches', 'exports', ['clarenceSearch']],
    ['exclusion', 'clarence -role', ['clarenceExport', 'clarenceSearch', 'clarenceSignIn']],
    ['type of actor via text', 'backup robot', ['legacyLike']],
    ['after: relative', 'zoe after:7d', ['zoeSignIn']],
    ['before: relative', 'zoe before:7d', ['oldZoe']],
    ['unknown qualifier never fails', 'colour:blue', []],
  ])('%s: %s', async (_name, q, expected) => {
    expect(await search(q)).toEqual(expected);
  });

  it('an organization filter combines with free text inside the index', async () => {
    expect(await search('clarence', '&group=org_serenity')).toEqual(['malRole']);
    expect(await search('clar', '&group=org_birdseye&group=org_serenity')).toEqual(['malRole', 'clarenceExport', 'clarenceSearch', 'clarenceSignIn']);
  });

  it('an exact event id finds that one event', async () => {
    expect(await search(ids.zoeSignIn)).toEqual(['zoeSignIn']);
    expect(await search(`id:${ids.oldZoe.toLowerCase()}`)).toEqual(['oldZoe']);
  });

  it('orders by relevance on request: actor fields above metadata', async () => {
    const byTime = await search('clarence');
    expect(byTime[0]).toBe('malRole');
    const ranked = await search('clarence', '&order=relevance');
    expect(ranked.slice(0, 3).sort()).toEqual(['clarenceExport', 'clarenceSearch', 'clarenceSignIn']);
    expect(ranked).toContain('malRole');
  });

  it('pages by relevance with keyset cursors, each event once', async () => {
    const all = await search('clarence', '&order=relevance');
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const r: any = await call('GET', `/events?limit=2&order=relevance&search=clarence${after ? `&after=${after}` : ''}`, { key });
      seen.push(...r.body.data.map((e: { id: string }) => Object.keys(ids).find((k) => ids[k] === e.id)));
      if (seen.length > 20) break;
      after = r.body.list_metadata.after;
    } while (after);
    expect(seen).toEqual(all);
  });
});

describe('both search plans give the same answers', () => {
  it.each(['clarence', 'clar', 'serenity.example', 'user.', 'zoe after:7d', 'clarence -role', 'exports', 'plan:pro', 'org:org_serenity signed'])(
    '%s',
    async (q) => {
      const db = drizzle(env.DB);
      const rows = await db.all<{ project_id: string }>(sql`SELECT project_id FROM events WHERE actor_id = 'user_clarence' LIMIT 1`);
      const base = { projectId: rows[0].project_id, order: 'desc' as const, limit: 1, search: q, now: NOW };
      const walk = async (matchStrategy: 'in' | 'window', windowSize?: number) => {
        const seen: string[] = [];
        let after: string | undefined;
        do {
          const page = await listEvents(db, { ...base, matchStrategy, windowSize, after });
          seen.push(...page.events.map((e) => e.id));
          after = page.after ?? undefined;
        } while (after);
        return seen;
      };
      const exact = await walk('in');
      expect(await walk('window')).toEqual(exact);
      // A window smaller than the matches: pages must still be exact (late arrivals caught).
      expect(await walk('window', 2)).toEqual(exact);
    },
  );

});

describe('query plans use the indexes', () => {
  const db = () => drizzle(env.DB);
  const base = { projectId: 'proj_default', order: 'desc' as const, limit: 50 };
  it.each([
    ['the newest events', {}, 'events_project_time'],
    ['an organization', { organizationIds: ['org_1'] }, 'events_project_org_time'],
    ['an action', { actions: ['user.signed_in'] }, 'events_project_action_time'],
    // Actor filters find their candidates in the search index (no B-tree index since 0012).
    ['an actor', { actorIds: ['user_1'] }, 'VIRTUAL TABLE INDEX'],
    ['an actor name', { actorNames: ['Clarence Birdseye'] }, 'VIRTUAL TABLE INDEX'],
    ['an actor email', { actorEmails: ['a@b.example'] }, 'VIRTUAL TABLE INDEX'],
    ['a target id', { targetIds: ['doc_1'] }, 'VIRTUAL TABLE INDEX'],
    ['an actor in an organization', { actorIds: ['user_1'], organizationIds: ['org_1'] }, 'VIRTUAL TABLE INDEX'],
    ['an action prefix', { search: 'action:user.*' }, 'events_project_action_time'],
    ['an exact event id', { search: 'evt_01J9ZZZZZZZZZZZZZZZZZZZZZZ' }, 'events_id'],
  ])('%s', async (_name, extra, index) => {
    const plan = (await explainList(db(), { ...base, ...extra })).join('\n');
    expect(plan).toContain(index);
    expect(plan).not.toMatch(/SCAN events(?!_)(?! USING)/);
    // Candidates from the search index drive the query: never a walk of the project's time index.
    if (index === 'VIRTUAL TABLE INDEX') expect(plan).toMatch(/SEARCH events USING INTEGER PRIMARY KEY/);
  });

  it('a full email reads its phrase in the actor_email column, and a known action its action index', async () => {
    const email = (await explainList(db(), { ...base, projectId: relevanceProject, search: 'clarence@birdseye.example' })).join('\n');
    expect(email).toContain('VIRTUAL TABLE INDEX');
    expect(email).toMatch(/SEARCH events USING INTEGER PRIMARY KEY/);
    const action = (await explainList(db(), { ...base, projectId: relevanceProject, search: 'user.searched_audit_trail_events' })).join('\n');
    expect(action).toContain('events_project_action_time');
    expect(action).not.toContain('VIRTUAL TABLE');
  });

  it('a search reads the FTS index, never the events table in full', async () => {
    const plan = (await explainList(db(), { ...base, search: 'clarence' })).join('\n');
    expect(plan).toMatch(/VIRTUAL TABLE INDEX/);
    expect(plan).not.toMatch(/SCAN events(?!_)(?! USING)/);
  });
});
