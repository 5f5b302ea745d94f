// Patterns a schema may use without costing unbounded time. JavaScript's regular expressions
// backtrack, so a `pattern` such as `^(a+)+$` or `^\w*\w*\w*$` takes time exponential (or a
// high power) in the length of the value checked. Such patterns are refused when the schema is
// created (schemas/model.ts), so checking an event stays linear in its size; recursive `$ref`s
// are refused by schemas/ref-safety.ts.
//
// The rule for patterns is a syntactic one, conservative on purpose (a pattern outside it is
// refused with the reason, and can always be written inside it):
//  - no backreferences and no lookaround;
//  - a group repeated more than once holds fixed text only (`(ab)+`, not `(a|b)+` or `(a+)+`;
//    write `[ab]+`);
//  - a repetition of variable length never competes with what may follow it: the characters it
//    repeats and the characters that can come next are disjoint (`[a-z]+@[a-z]+` is fine,
//    `\w*\w*` and `[a-z]+[0-9]*[a-z]` are not). Then the engine never has two ways to go on, and
//    each start position costs time linear in the value.

interface CharSet {
  kind: 'set';
  /** Source of a regular expression matching exactly one character of the set. */
  source: string;
}
interface Anchor {
  kind: 'anchor';
}
interface Group {
  kind: 'group';
  alternatives: Item[][];
}
type Atom = CharSet | Anchor | Group;
interface Item {
  atom: Atom;
  min: number;
  max: number;
}

class Refused extends Error {}

/** Longest pattern accepted (a `pattern` or a `patternProperties` key). */
export const MAX_PATTERN_LENGTH = 512;
const MAX_GROUP_DEPTH = 16;

/** Parses the subset of regular-expression syntax the rule can reason about (u-mode). */
function parse(pattern: string): Item[][] {
  let i = 0;
  const peek = () => pattern[i];

  function escape(): Atom {
    // At a backslash.
    const c = pattern[i + 1];
    if (c === undefined) refuse('it ends with a backslash');
    if (/[1-9]/.test(c) || c === 'k') refuse('it uses a backreference');
    if (c === 'b' || c === 'B') {
      i += 2;
      return { kind: 'anchor' };
    }
    if ((c === 'p' || c === 'P') && pattern[i + 2] === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) refuse('a \\p{…} is not closed');
      const source = pattern.slice(i, end + 1);
      i = end + 1;
      return { kind: 'set', source };
    }
    if (c === 'u' && pattern[i + 2] === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) refuse('a \\u{…} is not closed');
      const source = pattern.slice(i, end + 1);
      i = end + 1;
      return { kind: 'set', source };
    }
    const len = c === 'u' ? 6 : c === 'x' ? 4 : c === 'c' ? 3 : 2;
    const source = pattern.slice(i, i + len);
    i += len;
    return { kind: 'set', source };
  }

  function charClass(): Atom {
    // At '['.
    const start = i;
    i += 1;
    if (peek() === '^') i += 1;
    if (peek() === ']') i += 1;
    while (i < pattern.length && peek() !== ']') {
      if (peek() === '\\') i += 2;
      else i += 1;
    }
    if (peek() !== ']') refuse('a character class is not closed');
    i += 1;
    return { kind: 'set', source: pattern.slice(start, i) };
  }

  function quantifier(): { min: number; max: number } | null {
    const c = peek();
    let q: { min: number; max: number } | null = null;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    if (q) i += 1;
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (!m) return null;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      q = { min, max };
      i += m[0].length;
    }
    if (q && peek() === '?') i += 1; // lazy: the same set of matches
    if (q && (peek() === '*' || peek() === '+' || peek() === '{' || peek() === '?')) refuse('it stacks quantifiers');
    return q;
  }

  let depth = 0;
  function alternatives(inGroup: boolean): Item[][] {
    if (++depth > MAX_GROUP_DEPTH) refuse(`it nests groups deeper than ${MAX_GROUP_DEPTH}`);
    const alts: Item[][] = [[]];
    while (i < pattern.length) {
      const c = peek();
      if (c === ')') {
        if (!inGroup) refuse('it has an unmatched )');
        depth -= 1;
        return alts;
      }
      if (c === '|') {
        i += 1;
        alts.push([]);
        continue;
      }
      let atom: Atom;
      if (c === '\\') atom = escape();
      else if (c === '[') atom = charClass();
      else if (c === '^' || c === '$') {
        i += 1;
        atom = { kind: 'anchor' };
      } else if (c === '(') {
        i += 1;
        if (pattern.startsWith('?:', i)) i += 2;
        else if (pattern.startsWith('?<', i) && !pattern.startsWith('?<=', i) && !pattern.startsWith('?<!', i)) {
          const end = pattern.indexOf('>', i);
          if (end < 0) refuse('a group name is not closed');
          i = end + 1;
        } else if (peek() === '?') refuse('it uses lookaround');
        const inner = alternatives(true);
        if (peek() !== ')') refuse('a group is not closed');
        i += 1;
        atom = { kind: 'group', alternatives: inner };
      } else {
        // One literal character (a whole code point).
        const cp = pattern.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        i += ch.length;
        atom = { kind: 'set', source: c === '.' ? '.' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') };
      }
      const q = quantifier();
      if (q && atom.kind === 'anchor') refuse('it repeats an anchor');
      alts[alts.length - 1].push({ atom, min: q?.min ?? 1, max: q?.max ?? 1 });
    }
    if (inGroup) refuse('a group is not closed');
    return alts;
  }

  return alternatives(false);
}

/** Code points sampled to decide whether two character sets overlap: all of the BMP but surrogates. */
const bitmaps = new Map<string, Uint8Array>();
function bitmap(source: string): Uint8Array {
  let bits = bitmaps.get(source);
  if (!bits) {
    const re = new RegExp(`^(?:${source})$`, 'u');
    bits = new Uint8Array(0x10000);
    for (let cp = 0; cp < 0x10000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      if (re.test(String.fromCharCode(cp))) bits[cp] = 1;
    }
    if (bitmaps.size > 256) bitmaps.clear();
    bitmaps.set(source, bits);
  }
  return bits;
}

const SYNTAX_CHARACTER = /^[.*+?^${}()|[\]\\/]$/;

/** The one character a set's source stands for when it is a literal (`a`, `\\.`), else null. */
function literal(source: string): string | null {
  if (source.length === 2 && source[0] === '\\' && SYNTAX_CHARACTER.test(source[1])) return source[1];
  if ([...source].length === 1 && source !== '.') return source;
  return null;
}

function overlaps(a: string, others: string[]): boolean {
  return others.some((o) => {
    const la = literal(a);
    const lo = literal(o);
    if (la !== null && lo !== null) return la === lo;
    if (la !== null) return new RegExp(`^(?:${o})$`, 'u').test(la);
    if (lo !== null) return new RegExp(`^(?:${a})$`, 'u').test(lo);
    const x = bitmap(a);
    const y = bitmap(o);
    for (let cp = 0; cp < 0x10000; cp++) if (x[cp] && y[cp]) return true;
    return false;
  });
}

/** The sets that can begin a match of the item, and whether it can match nothing. */
function first(item: Item): { sets: string[]; nullable: boolean } {
  const { atom } = item;
  if (atom.kind === 'anchor') return { sets: [], nullable: true };
  if (atom.kind === 'set') return { sets: [atom.source], nullable: item.min === 0 };
  const sets: string[] = [];
  let nullable = false;
  for (const alt of atom.alternatives) {
    const f = firstOfSequence(alt);
    sets.push(...f.sets);
    if (f.nullable) nullable = true;
  }
  return { sets, nullable: nullable || item.min === 0 };
}

function firstOfSequence(items: Item[]): { sets: string[]; nullable: boolean } {
  const sets: string[] = [];
  for (const item of items) {
    const f = first(item);
    sets.push(...f.sets);
    if (!f.nullable) return { sets, nullable: false };
  }
  return { sets, nullable: true };
}

const fixedText = (alts: Item[][]) => alts.length === 1 && alts[0].every((it) => it.atom.kind === 'set' && it.min === 1 && it.max === 1);

/** Checks a sequence given the sets that may follow it; throws Refused. */
function checkSequence(items: Item[], follow: string[]): void {
  let after = follow;
  for (let k = items.length - 1; k >= 0; k--) {
    const item = items[k];
    const { atom } = item;
    if (atom.kind === 'group') {
      if (item.max > 1 && !fixedText(atom.alternatives)) refuse('a repeated group must hold fixed text only (write [ab]+, not (a|b)+ or (a+)+)');
      for (const alt of atom.alternatives) checkSequence(alt, after);
    }
    if (item.min !== item.max && atom.kind !== 'anchor') {
      const own = first({ ...item, min: 1 }).sets;
      if (own.some((s) => overlaps(s, after))) refuse('a repetition can also match what follows it (for example \\w*\\w* or [a-z]+[a-z0-9]), which makes checking slow');
    }
    const f = first(item);
    after = f.nullable ? [...f.sets, ...after] : f.sets;
  }
}

function refuse(why: string): never {
  throw new Refused(why);
}

/** Why a pattern could take more than linear time to check, or null when it cannot. */
export function patternRisk(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `it is longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    for (const alt of parse(pattern)) checkSequence(alt, []);
    return null;
  } catch (err) {
    if (err instanceof Refused) return err.message;
    throw err;
  }
}
