// Deterministic, realistic demo events in the Audit Logs wire shape. Used by the
// local set-up (to fill the Demo project), the browser tests and the benchmark.
// Self-contained on purpose: Node runs it directly (type stripping) from scripts/.

export interface DemoEventBody {
  organization_id: string;
  event: {
    action: string;
    occurred_at: string;
    actor: { id: string; type: string; name: string; metadata: Record<string, string> };
    targets: { id: string; type: string; name: string }[];
    context: { location: string; user_agent: string };
    metadata: Record<string, string | number | boolean>;
  };
}

/** mulberry32: a small seeded PRNG so the same seed gives the same events. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Clarence', 'Zoë', 'Malcolm', 'Inara', 'Kaylee', 'Hoban', 'Jayne', 'Simon', 'River', 'Shepherd', 'Ada', 'Grace',
  'Alan', 'Katherine', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Edsger', 'Frances', 'Radia', 'Ken', 'Sophie',
  'Tim', 'Hedy', 'John', 'Mary', 'Niklaus', 'Annie', 'Donald', 'Anita', 'Guido', 'José', 'Björn', 'Chloé', 'Łukasz',
];
const LAST = [
  'Birdseye', 'Washburne', 'Reynolds', 'Serra', 'Frye', 'Cobb', 'Tam', 'Book', 'Lovelace', 'Hopper', 'Turing',
  'Johnson', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Dijkstra', 'Allen', 'Perlman', 'Thompson', 'Wilson',
  'Berners-Lee', 'Lamarr', 'McCarthy', 'Keller', 'Wirth', 'Easley', 'Knuth', 'Borg', 'van Rossum', 'Núñez', 'Øster',
];

export const DEMO_ORGANIZATIONS = [
  { id: 'org_01HFOODCORP000000000000000', name: 'Foo Corp', domain: 'foo-corp.com' },
  { id: 'org_01HBIRDSEYE00000000000000', name: 'Birdseye Frozen Foods', domain: 'birdseye.example' },
  { id: 'org_01HSERENITY00000000000000', name: 'Serenity Shipping', domain: 'serenity.io' },
  { id: 'org_01HACMEINC000000000000000', name: 'Acme Inc', domain: 'acme.test' },
  { id: 'org_01HGLOBEX0000000000000000', name: 'Globex', domain: 'globex.example' },
  { id: 'org_01HINITECH000000000000000', name: 'Initech', domain: 'initech.example' },
  { id: 'org_01HUMBRELLA00000000000000', name: 'Umbrella Health', domain: 'umbrella.example' },
  { id: 'org_01HSTARK0000000000000000', name: 'Stark Analytics', domain: 'stark.example' },
];

/** Actions with weights (how often they happen) and what they act on. */
const ACTIONS: { action: string; weight: number; target: string }[] = [
  { action: 'user.signed_in', weight: 30, target: 'session' },
  { action: 'user.signed_out', weight: 12, target: 'session' },
  { action: 'user.searched_audit_trail_events', weight: 8, target: 'audit_trail' },
  { action: 'document.viewed', weight: 14, target: 'document' },
  { action: 'document.exported', weight: 6, target: 'document' },
  { action: 'document.deleted', weight: 2, target: 'document' },
  { action: 'document.shared', weight: 4, target: 'document' },
  { action: 'user.password_changed', weight: 2, target: 'user' },
  { action: 'user.mfa_enabled', weight: 1, target: 'user' },
  { action: 'member.invited', weight: 3, target: 'user' },
  { action: 'member.removed', weight: 1, target: 'user' },
  { action: 'role.updated', weight: 2, target: 'user' },
  { action: 'api_key.created', weight: 1, target: 'api_key' },
  { action: 'api_key.revoked', weight: 1, target: 'api_key' },
  { action: 'billing.plan_changed', weight: 1, target: 'subscription' },
  { action: 'sso.connection_updated', weight: 1, target: 'sso_connection' },
  { action: 'webhook.endpoint_created', weight: 1, target: 'webhook_endpoint' },
];

const DOCUMENTS = [
  'Q3 board deck.pdf', 'Customer list.csv', 'Security policy.docx', 'Payroll 2026-10.xlsx', 'Roadmap.md',
  'SOC 2 report.pdf', 'Incident 4412 postmortem', 'Pricing experiment.xlsx', 'Vendor contract.pdf', 'Onboarding guide',
];
const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'acme-cli/2.4.1 node/22.11.0',
];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];

/** An ASCII, dot-separated form of a name, for email addresses. */
export function slug(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/gi, 'l')
    .replace(/ø/gi, 'o')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');
}

export interface DemoPerson {
  id: string;
  name: string;
  email: string;
  org: (typeof DEMO_ORGANIZATIONS)[number];
  ip: string;
}

export function demoPeople(seed = 7, count = 60): DemoPerson[] {
  const r = rng(seed);
  const people: DemoPerson[] = [];
  for (let i = 0; i < count; i++) {
    // The first person is always Clarence Birdseye of Birdseye Frozen Foods.
    const first = i === 0 ? 'Clarence' : FIRST[Math.floor(r() * FIRST.length)];
    const last = i === 0 ? 'Birdseye' : LAST[Math.floor(r() * LAST.length)];
    const org = i === 0 ? DEMO_ORGANIZATIONS[1] : DEMO_ORGANIZATIONS[Math.floor(Math.pow(r(), 1.6) * DEMO_ORGANIZATIONS.length)];
    people.push({
      id: `user_${(0x1000 + i).toString(16)}${Math.floor(r() * 1e6).toString(36)}`,
      name: `${first} ${last}`,
      email: `${slug(first)}.${slug(last)}@${org.domain}`,
      org,
      ip: `${[203, 198, 192, 100][i % 4]}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${1 + Math.floor(r() * 253)}`,
    });
  }
  return people;
}

/**
 * `count` events spread over the `days` before `now`, newest last. Actors follow a
 * power law (a few people do most things), as do actions.
 */
export function demoEvents(options: { count: number; now: number; days?: number; seed?: number }): DemoEventBody[] {
  const { count, now, days = 90, seed = 42 } = options;
  const r = rng(seed);
  const people = demoPeople(seed + 1);
  const totalWeight = ACTIONS.reduce((s, a) => s + a.weight, 0);
  const pickAction = () => {
    let x = r() * totalWeight;
    for (const a of ACTIONS) if ((x -= a.weight) < 0) return a;
    return ACTIONS[0];
  };
  const span = days * 24 * 60 * 60 * 1000;
  const out: DemoEventBody[] = [];
  for (let i = 0; i < count; i++) {
    const person = people[Math.min(people.length - 1, Math.floor(Math.pow(r(), 2.2) * people.length))];
    const { action, target } = pickAction();
    const occurred = now - span + Math.floor(((i + r()) / count) * span);
    let t: { id: string; type: string; name: string };
    if (target === 'document') {
      const d = Math.floor(r() * DOCUMENTS.length);
      t = { id: `doc_${(d * 7919).toString(36)}`, type: 'document', name: DOCUMENTS[d] };
    } else if (target === 'user') {
      const other = people[Math.floor(r() * people.length)];
      t = { id: other.id, type: 'user', name: other.name };
    } else if (target === 'session') {
      t = { id: `sess_${Math.floor(r() * 1e12).toString(36)}`, type: 'session', name: 'Web session' };
    } else {
      t = { id: `${target.slice(0, 4)}_${Math.floor(r() * 1e9).toString(36)}`, type: target, name: `${person.org.name} ${target.replace(/_/g, ' ')}` };
    }
    const metadata: Record<string, string | number | boolean> = { plan: PLANS[Math.floor(Math.pow(r(), 0.7) * PLANS.length)] };
    if (action === 'user.searched_audit_trail_events') metadata.query = ['role.updated', 'export', 'Clarence', 'last 7 days'][Math.floor(r() * 4)];
    if (action === 'document.exported') metadata.format = ['pdf', 'csv', 'xlsx'][Math.floor(r() * 3)];
    if (action === 'role.updated') metadata.new_role = ['admin', 'member', 'viewer'][Math.floor(r() * 3)];
    if (action === 'user.signed_in') metadata.method = ['password', 'sso', 'magic_link', 'passkey'][Math.floor(r() * 4)];
    out.push({
      organization_id: person.org.id,
      event: {
        action,
        occurred_at: new Date(occurred).toISOString(),
        actor: { id: person.id, type: 'user', name: person.name, metadata: { email: person.email, organization: person.org.name } },
        targets: [t],
        context: { location: person.ip, user_agent: AGENTS[Math.floor(Math.pow(r(), 1.5) * AGENTS.length)] },
        metadata,
      },
    });
  }
  return out;
}
