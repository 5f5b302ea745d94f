// Rows for one SQL statement travel as a bound JSON array (read with json_each), so any number
// of them stays inside D1's 100 bound parameters; a long list is cut into several arrays so
// each bound value stays far inside D1's 2 MB per value.

/** `items` as JSON arrays of at most `maxBytes` characters each (an item larger than that goes alone). */
export function jsonChunks(items: readonly unknown[], maxBytes: number): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const item of items) {
    const one = JSON.stringify(item);
    if (current.length > 0 && size + one.length + 1 > maxBytes) {
      out.push(`[${current.join(',')}]`);
      current = [];
      size = 2;
    }
    current.push(one);
    size += one.length + 1;
  }
  if (current.length > 0) out.push(`[${current.join(',')}]`);
  return out;
}
