// A wrapper around the real D1 binding that counts round trips: each statement run
// on its own (first/all/run/raw) is one, a batch() is one, an exec() is one. Not a
// mock: every call goes to the real database.
export interface CountingD1 {
  db: D1Database;
  count: () => number;
  reset: () => void;
}

const REAL = Symbol('real statement');
type Wrapped = D1PreparedStatement & { [REAL]: D1PreparedStatement };

export function countingD1(real: D1Database): CountingD1 {
  let n = 0;
  const wrap = (s: D1PreparedStatement): Wrapped => {
    const w = {
      [REAL]: s,
      bind: (...values: unknown[]) => wrap(s.bind(...values)),
      first: (column?: string) => {
        n++;
        return column === undefined ? s.first() : s.first(column);
      },
      all: () => {
        n++;
        return s.all();
      },
      run: () => {
        n++;
        return s.run();
      },
      raw: (options?: { columnNames?: boolean }) => {
        n++;
        return s.raw(options as { columnNames: true });
      },
    };
    return w as unknown as Wrapped;
  };
  const db = {
    prepare: (query: string) => wrap(real.prepare(query)),
    batch: (statements: Wrapped[]) => {
      n++;
      return real.batch(statements.map((s) => s[REAL] ?? s));
    },
    exec: (query: string) => {
      n++;
      return real.exec(query);
    },
    dump: () => real.dump(),
    withSession: (constraint?: string) => real.withSession(constraint),
  };
  return { db: db as unknown as D1Database, count: () => n, reset: () => (n = 0) };
}
