// The search index's tokens and vocabulary keys are stored data: the fast folding
// (src/events/search/fold.ts) and the one-pass row builder (indexEntry in fts.ts) must give
// exactly what the original code gave, for every input, or old events stop being found.
// The original functions are kept below, verbatim, as the reference, and both run side by
// side over a fixed table of hard cases and over generated strings and events.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAuditLogEvent } from '../../src/api/wire/audit-logs';
import { parseLegacyEvent } from '../../src/api/wire/legacy';
import type { AuditEvent } from '../../src/events/model';
import {
  FTS_COLUMNS,
  ftsRow,
  identifierStem,
  indexEntry,
  legacyOrgToken,
  legacyProjectToken,
  orgToken,
  prefixStem,
  projectTag,
  rowTerms,
  searchWords,
  taggedText,
  type FtsRow,
} from '../../src/events/search/fts';
import { auditLogCase, legacyCase, toJson } from './fuzz-support';

// ---------------------------------------------------------------- the reference (the code as it was)

const ref = (() => {
  function searchWords(text: string): string[] {
    return text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
  }
  function projectTag(projectId: string): string {
    return projectId.toLowerCase().replace(/[^a-z0-9]/g, '');
  }
  const tagged = (tag: string, word: string) => `${tag}_${word}`;
  function taggedText(tag: string, text: string): string {
    return searchWords(text)
      .map((w) => tagged(tag, w))
      .join(' ');
  }
  const orgWord = (id: string) => searchWords(id).join('');
  function orgToken(tag: string, organizationId: string): string {
    return `${tag}__o${orgWord(organizationId)}`;
  }
  function legacyProjectToken(projectId: string): string {
    return `p${projectId.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  }
  function legacyOrgToken(id: string): string {
    return `o${orgWord(id)}`;
  }
  function ftsRow(e: AuditEvent): FtsRow {
    const tag = projectTag(e.projectId);
    const t = (text: string) => taggedText(tag, text);
    const meta = (m: Record<string, unknown>) =>
      Object.entries(m)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(' ; ');
    return {
      event_id: t(e.id),
      actor_id: t(e.actor.id),
      actor_email: t(e.actor.email ?? ''),
      actor_name: t(e.actor.name ?? ''),
      action: t([e.action, e.actionType ?? ''].join(' ')),
      target: t(e.targets.map((x) => [x.id, x.name ?? '', x.type ?? ''].join(' ')).join(' ; ')),
      org: `${t(e.organizationId)} ${orgToken(tag, e.organizationId)}`.trim(),
      place: t([e.context.location, e.context.userAgent ?? ''].join(' ')),
      meta: t([e.actor.type ?? '', meta(e.metadata), meta(e.actor.metadata), ...e.targets.map((x) => meta(x.metadata))].join(' ; ')),
    };
  }
  const firstDigit = (word: string) => word.search(/[0-9]/);
  function identifierStem(word: string): string | null {
    const d = firstDigit(word);
    return d >= 0 && [...word].length >= 5 ? word.slice(0, d + 1) : null;
  }
  function prefixStem(prefix: string): string | null {
    const d = firstDigit(prefix);
    return d >= 0 ? prefix.slice(0, d + 1) : null;
  }
  const untag = (term: string) => {
    const i = term.indexOf('_');
    return { tag: term.slice(0, i), word: term.slice(i + 1) };
  };
  function rowTerms(row: FtsRow): string[] {
    const primary = new Set<string>();
    for (const col of FTS_COLUMNS) if (col !== 'meta') for (const term of row[col].split(' ')) if (term && !term.includes('__')) primary.add(term);
    const meta = new Set<string>();
    for (const term of row.meta.split(' ')) if (term && !primary.has(term)) meta.add(term);
    const keys = new Set<string>();
    // A stem seen in a primary column is `i`; one seen only in metadata is `j`.
    const add = (term: string, whole: string) => {
      const { tag, word } = untag(term);
      const s = identifierStem(word);
      if (s === null) keys.add(whole + term);
      else if (whole === 'p' || !keys.has(`i${tag}_${s}`)) keys.add(`${whole === 'p' ? 'i' : 'j'}${tag}_${s}`);
    };
    for (const t of primary) add(t, 'p');
    for (const t of meta) add(t, 'm');
    return [...keys];
  }
  return { searchWords, projectTag, taggedText, orgToken, legacyProjectToken, legacyOrgToken, ftsRow, identifierStem, prefixStem, rowTerms };
})();

// ---------------------------------------------------------------- the corpus

/** Strings where folding is easy to get subtly wrong. */
const HARD = [
  '', ' ', '   ', ';', ' ; ', '_', '__', 'a', 'A', 'Z', '0', '9', '@', '[', '`', '{', '/', ':', '\u007f', '\u0080', '\u00ff',
  'user.signed_in', 'USER.Signed_In', 'evt_01HXYZ0123456789ABCDEFGHJK', 'clarence.birdseye.7@company7.example',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15', '203.0.113.7', '2001:db8::1', 'k3b9x', 'smith1984',
  // accents, precomposed and decomposed; marks on ASCII letters join them to what follows
  'Zoë', 'Zoe\u0308', 'José Núñez', 'Chloé', 'Björn Øster', 'Łukasz', 'e\u0301', 'a\u0301b', '\u0301', '\u0301abc', 'abc\u0301',
  'ﬁnance', 'ﬂow', 'ﬀ', 'Ǆ', 'ǅ', 'ǆ', 'ß', 'ẞ', 'straße', 'STRASSE', 'Ⅻ', 'ⅻ', '½', '¼3', '²³', 'x²', 'H₂O', '㎒', '℡', '™', 'Å', 'Å', 'K',
  // Turkish dotted and dotless I
  'İstanbul', 'ISTANBUL', 'ıi', 'I\u0307', 'İ', 'ı', 'İi',
  // full width, compatibility forms
  '１２３', 'ＡＢＣ', 'ａｂｃ', 'Ｔｏｋｙｏ２０２６', '\u3000', 'ｶﾀｶﾅ', 'ｶﾞ', '①②', '⒈', '⑴',
  // Greek final sigma: the lower case of Σ depends on what is around it
  'ΟΔΟΣ', 'ΟΔΟΣ ΟΔΟΣ', 'ΑΣ.Α', 'ΑΣ:Α', "ΑΣ'Α", 'ΑΣ Α', 'Σ', 'ΑΣ\u0301', 'ΑΣ\u0301Α', 'ΑΣ;Α', 'ΑΣ_Α', 'ΑΣ-Α', 'ΑΣ1', 'ΑΣ.', 'Ά', 'ΐ',
  // CJK, Hangul (syllables decompose to jamo), Indic (spacing marks are \p{M} too), Arabic, Hebrew, Thai
  '漢字', '日本語のテキスト', '中文 English', '한국어', '가', 'ᄀ', 'हिन्दी', 'ক্ষ', 'العربية', 'مُحَمَّد', 'עִבְרִית', 'ภาษาไทย',
  // emoji, ZWJ sequences, flags, skin tones, variation selectors, keycaps
  '😀', 'a😀b', '👩‍💻', '👩🏽‍🚀', '🇫🇷', '❤️', '1️⃣', '#️⃣', '©', '®',
  // astral letters and digits, lone surrogates, other planes
  '𝕏𝕐', '𝐀𝐁𝟏𝟐', '𠀀𠀁', '\ud800', '\udc00', 'a\ud800b', '\ud800\ud800', '\udc00\ud800', 'x\udbff\udfffy', '\u{10ffff}',
  // controls, invisible and space characters
  '\u0000', 'a\u0000b', '\t\n\r', 'a\u00a0b', 'a\u2028b', 'a\u200bb', 'a\u200db', 'a\u00adb', '\ufeffbom', 'a\u2060b', 'a\ufe0fb',
  // NFKD that expands a lot, or into separators
  '\ufdfa', '\ufdfb', '\u3300', '\u33ff', '⁄', '1⁄2', 'ǰ', 'ﬃ', '\u0958', 'ᾷ', 'ὒ', 'Ḝ', 'ṩ', 'ⓐⓑ', '\u2474',
  // long strings
  'a'.repeat(10_000), `${'Ab1 '.repeat(2_500)}`, 'é'.repeat(3_000), `${'user_01hx '.repeat(500)}ΟΔΟΣ`, '😀'.repeat(2_000),
];

/** Generated strings: mostly ASCII with every kind of Unicode mixed in, lone surrogates included. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const piece = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }), weight: 6 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 6 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }), weight: 3 },
  { arbitrary: fc.constantFrom(...HARD.filter((s) => s.length < 100)), weight: 3 },
  { arbitrary: loneSurrogate, weight: 1 },
);
const text = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));
const optionalText = fc.option(text, { nil: null });
const metaValue = fc.oneof(text, fc.double(), fc.integer(), fc.boolean(), fc.constantFrom(-0, 1e21, 1e-7, Number.NaN, Number.MAX_VALUE));
const metadata = fc.dictionary(text, metaValue, { maxKeys: 4 });
const projectId = fc.oneof(
  fc.constantFrom('proj_default', 'proj_01HXYZ0123456789ABCDEFGHJK', 'proj_demo', 'PROJ_Mixed_Case_9', 'proj_', '_', ''),
  text,
);
const party = fc.record({ id: text, type: optionalText, name: optionalText, metadata });

/** Events as the model allows (and beyond what validation lets in: any string anywhere). */
const anyEvent: fc.Arbitrary<AuditEvent> = fc.record({
  id: fc.oneof(fc.constant('evt_01HXYZ0123456789ABCDEFGHJK'), text),
  projectId,
  organizationId: text,
  action: text,
  actionType: fc.constantFrom('c', 'r', 'u', 'd', null),
  version: fc.constantFrom(null, 1, 2),
  occurredAt: fc.constant(0),
  receivedAt: fc.constant(0),
  actor: fc.record({ id: text, type: optionalText, name: optionalText, email: optionalText, metadata }),
  targets: fc.array(party, { maxLength: 3 }),
  context: fc.record({ location: text, userAgent: optionalText }),
  metadata,
  source: fc.constantFrom('legacy', 'audit_logs'),
  raw: fc.constant('{}'),
}) as fc.Arbitrary<AuditEvent>;

/** A test name: ASCII only (a lone surrogate cannot travel to the test runner), short. */
const name = (s: string, i: number) =>
  `${i}: ${s.slice(0, 40).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}${s.length > 40 ? '…' : ''}`;

const RUNS = { numRuns: 3_000, seed: 20261127 };
const later = () => Number.MAX_SAFE_INTEGER / 2;

/** The new side of a row: ftsRow, the keys of the row it just made, and the keys of a copy of it (no shortcut). */
function both(e: AuditEvent) {
  const row = ftsRow(e);
  const terms = rowTerms(row);
  const copy = { ...row };
  return { row, terms, recomputed: rowTerms(copy), entry: indexEntry(e) };
}

function expectSameIndexing(e: AuditEvent) {
  const row = ref.ftsRow(e);
  const terms = ref.rowTerms(row);
  const got = both(e);
  expect(got.row).toStrictEqual(row);
  expect(got.terms).toStrictEqual(terms);
  expect(got.recomputed).toStrictEqual(terms);
  expect(got.entry).toStrictEqual({ row, terms });
}

// ---------------------------------------------------------------- the tests

describe('searchWords gives the original words', () => {
  it.each(HARD.map((s, i) => [name(s, i), s]))('%s', (_, s) => {
    expect(searchWords(s)).toStrictEqual(ref.searchWords(s));
    expect(taggedText('projdefault', s)).toBe(ref.taggedText('projdefault', s));
    expect(orgToken('projdefault', s)).toBe(ref.orgToken('projdefault', s));
    expect(legacyOrgToken(s)).toBe(ref.legacyOrgToken(s));
    expect(projectTag(s)).toBe(ref.projectTag(s));
    expect(legacyProjectToken(s)).toBe(ref.legacyProjectToken(s));
  });

  it('for generated strings', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(searchWords(s)).toStrictEqual(ref.searchWords(s));
      }),
      { ...RUNS, numRuns: 20_000 },
    );
  });

  it('for every pair of hard cases joined by a space, a `;` or nothing (the contexts folding looks at)', () => {
    const short = HARD.filter((s) => s.length < 100);
    for (const a of short) for (const b of short) for (const sep of ['', ' ', ' ; ']) expect(searchWords(a + sep + b)).toStrictEqual(ref.searchWords(a + sep + b));
  });

  it('the corpus reaches the cases where a naive fold differs (NFKD, marks, final sigma, dotted I)', () => {
    const naive = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    for (const s of ['ﬁnance', 'Zoe\u0308y', 'Ｔｏｋｙｏ２０２６', 'İstanbul', '½']) expect(ref.searchWords(s)).not.toStrictEqual(naive(s));
    // The lower case of Σ depends on its neighbours across `.` but not across a space:
    expect(ref.searchWords('ΑΣ.Α')).not.toStrictEqual([...ref.searchWords('ΑΣ'), ...ref.searchWords('Α')]);
    expect(ref.searchWords('ΑΣ Α')).toStrictEqual([...ref.searchWords('ΑΣ'), ...ref.searchWords('Α')]);
  });
});

describe('identifier stems are the original ones', () => {
  it.each(HARD.map((s, i) => [name(s, i), s]))('%s', (_, s) => {
    for (const w of [s, ...ref.searchWords(s)]) {
      expect(identifierStem(w)).toBe(ref.identifierStem(w));
      expect(prefixStem(w)).toBe(ref.prefixStem(w));
    }
  });

  it('for generated words, around the 5-character limit with surrogate pairs', () => {
    const word = fc.array(fc.oneof(fc.constantFrom('a', '1', '𝟏', '😀', 'é', '\ud800', '\udc00', '_'), fc.string({ unit: 'binary', maxLength: 1 })), { maxLength: 11 }).map((a) => a.join(''));
    fc.assert(
      fc.property(word, (w) => {
        expect(identifierStem(w)).toBe(ref.identifierStem(w));
        expect(prefixStem(w)).toBe(ref.prefixStem(w));
      }),
      { ...RUNS, numRuns: 20_000 },
    );
  });
});

describe('index rows and vocabulary keys are the original ones', () => {
  it('for events as both wire shapes parse them', () => {
    const parsed: AuditEvent[] = [];
    for (const c of fc.sample(legacyCase, { numRuns: 400, seed: 27 })) {
      const body = toJson(c.body);
      const p = parseLegacyEvent(JSON.parse(body), body, later);
      if (p.ok) parsed.push({ ...p.event, id: 'evt_01HXYZ0123456789ABCDEFGHJK', projectId: 'proj_01HXYZ0123456789ABCDEFGHJK', receivedAt: 0 });
    }
    for (const c of fc.sample(auditLogCase, { numRuns: 400, seed: 27 })) {
      const body = JSON.parse(toJson(c.body));
      const p = parseAuditLogEvent(body, JSON.stringify(body.event), later);
      if (p.ok) parsed.push({ ...p.event, id: 'evt_01HXYZ0123456789ABCDEFGHJK', projectId: 'proj_default', receivedAt: 0 });
    }
    expect(parsed.length).toBeGreaterThan(700);
    for (const e of parsed) expectSameIndexing(e);
  });

  it('for generated events, any string in any field', () => {
    fc.assert(fc.property(anyEvent, expectSameIndexing), RUNS);
  });

  it('for events whose fields are the hard cases', () => {
    HARD.forEach((s, i) => {
      const other = HARD[(i * 7 + 3) % HARD.length];
      expectSameIndexing({
        id: s,
        projectId: i % 2 ? 'proj_default' : other,
        organizationId: other,
        action: `${s}.${other}`,
        actionType: null,
        version: null,
        occurredAt: 0,
        receivedAt: 0,
        actor: { id: other, type: s, name: s, email: i % 3 ? null : other, metadata: { [s]: other, n: i } },
        targets: [
          { id: s, type: other, name: null, metadata: { [other]: s } },
          { id: other, type: null, name: s, metadata: {} },
        ],
        context: { location: s, userAgent: i % 4 ? other : null },
        metadata: { a: s, [other]: true, [s]: -0 },
        source: 'audit_logs',
        raw: '{}',
      });
    });
  });

  it("rowTerms answers for the row it is given, not the last one ftsRow made", () => {
    fc.assert(
      fc.property(anyEvent, anyEvent, fc.constantFrom(...FTS_COLUMNS), text, (a, b, column, replacement) => {
        // Two rows made, the first one's keys asked for.
        const rowA = ftsRow(a);
        ftsRow(b);
        expect(rowTerms(rowA)).toStrictEqual(ref.rowTerms(ref.ftsRow(a)));
        // A row changed after it was made.
        const rowB = ftsRow(b);
        rowB[column] = ref.taggedText('projdefault', replacement);
        expect(rowTerms(rowB)).toStrictEqual(ref.rowTerms({ ...ref.ftsRow(b), [column]: rowB[column] }));
        // Asked twice: the same keys, in an array of its own each time.
        const rowC = ftsRow(a);
        const first = rowTerms(rowC);
        const second = rowTerms(rowC);
        expect(second).toStrictEqual(first);
        expect(second).not.toBe(first);
      }),
      { ...RUNS, numRuns: 500 },
    );
  });

  it('for rows that ftsRow could not make (rowTerms on any text: terms without a tag, `__`, spaces)', () => {
    const term = fc.oneof(text, fc.constantFrom('', 'ab', 'a_b', '_x', 'x_', 'a__b', 'k3b9x', 'tag_k3b9x', 'tag_😀😀1', 'nounderscore12345', '1'));
    const column = fc.array(term, { maxLength: 6 }).map((t) => t.join(' '));
    const row = fc.record(Object.fromEntries(FTS_COLUMNS.map((c) => [c, column])) as Record<(typeof FTS_COLUMNS)[number], fc.Arbitrary<string>>);
    fc.assert(
      fc.property(row, (r) => {
        expect(rowTerms(r)).toStrictEqual(ref.rowTerms(r));
      }),
      RUNS,
    );
  });
});
