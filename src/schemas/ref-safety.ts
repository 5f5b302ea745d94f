// `$ref`s a schema may use without costing unbounded stack: a reference that leads back into
// itself recurses for as long as the value checked nests (and overflowed the validator's stack:
// a 500). Refused when the schema is created (schemas/model.ts).

/** A JSON pointer segment as it appears in a `$ref` (`~` and `/` escaped). */
const pointerSegment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Why the schema's `$ref`s could recurse, or null. A reference is followed into the subtree it
 * names; if that subtree holds a reference that leads (directly or through others) back to a
 * subtree holding the first, checking a value can recurse as deep as the value nests.
 */
export function refRisk(schema: unknown): string | null {
  const refs: { at: string; target: string }[] = [];
  const walk = (node: unknown, at: string, depth: number): string | null => {
    if (depth > 64) return 'it nests deeper than 64 levels';
    if (typeof node !== 'object' || node === null) return null;
    if (Array.isArray(node)) {
      for (let k = 0; k < node.length; k++) {
        const r = walk(node[k], `${at}/${k}`, depth + 1);
        if (r) return r;
      }
      return null;
    }
    for (const [key, value] of Object.entries(node)) {
      if ((key === '$dynamicRef' || key === '$recursiveRef') && typeof value === 'string') return `it uses ${key}`;
      if (key === '$ref' && typeof value === 'string') {
        if (value !== '#' && !value.startsWith('#/')) return `its $ref ${value} is not a reference within the schema (#/…)`;
        let target: string;
        try {
          target = decodeURIComponent(value.slice(1));
        } catch {
          return `its $ref ${value} is not a valid JSON pointer`;
        }
        refs.push({ at, target });
      }
      const r = walk(value, `${at}/${pointerSegment(key)}`, depth + 1);
      if (r) return r;
    }
    return null;
  };
  const bad = walk(schema, '', 0);
  if (bad) return bad;
  const within = (at: string, subtree: string) => subtree === '' || at === subtree || at.startsWith(`${subtree}/`);
  // Reference r leads to reference s when s sits in the subtree r names. A cycle means recursion.
  const next = refs.map((r) => refs.map((s, j) => (within(s.at, r.target) ? j : -1)).filter((j) => j >= 0));
  const state = new Uint8Array(refs.length); // 0 unvisited, 1 on the path, 2 done
  const cyclic = (k: number): boolean => {
    if (state[k] === 1) return true;
    if (state[k] === 2) return false;
    state[k] = 1;
    for (const j of next[k]) if (cyclic(j)) return true;
    state[k] = 2;
    return false;
  };
  for (let k = 0; k < refs.length; k++) if (cyclic(k)) return `its $ref ${refs[k].target || '#'} can lead back to itself (recursive schemas are not accepted)`;
  return null;
}
