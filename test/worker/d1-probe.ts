// A wrapper around the real D1 binding for tests: counts round trips (a batch, or one
// statement's run/all/first/raw), can hold batches until released (to form a group
// deterministically), and can make D1 itself refuse a statement that carries a marker.
// Every query still runs on the real D1; nothing of our storage is mocked.

export interface D1Probe {
  d1: D1Database;
  /** D1 round trips so far: batches plus single statements. */
  roundTrips: number;
  batches: number;
  /** Holds every batch until `release()`, while true. */
  holding: boolean;
  release(): void;
  /**
   * A bound value containing this string makes D1 refuse that batch (NOT NULL constraint). An event's
   * raw JSON is bound deflated (src/events/stored-raw.ts): put markers in a field bound in clear, the location.
   */
  refuseMarker?: string;
  /** A bound value containing this string makes the batch throw this error instead of reaching D1. */
  throwMarker?: { marker: string; error: () => Error };
}

export function probeD1(real: D1Database): D1Probe {
  const realOf = new WeakMap<object, D1PreparedStatement>();
  const valuesOf = new WeakMap<object, unknown[]>();
  let waiters: (() => void)[] = [];

  const wrap = (stmt: D1PreparedStatement, values: unknown[]): D1PreparedStatement => {
    const wrapped = new Proxy(stmt, {
      get(target, prop) {
        if (prop === 'bind') return (...params: unknown[]) => wrap(target.bind(...params), params);
        if (prop === 'run' || prop === 'all' || prop === 'first' || prop === 'raw') {
          return (...args: unknown[]) => {
            probe.roundTrips++;
            return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    realOf.set(wrapped, stmt);
    valuesOf.set(wrapped, values);
    return wrapped;
  };

  const carries = (s: D1PreparedStatement, marker: string) =>
    (valuesOf.get(s) ?? []).some((v) => typeof v === 'string' && v.includes(marker));

  const d1 = new Proxy(real, {
    get(target, prop) {
      if (prop === 'prepare') return (query: string) => wrap(target.prepare(query), []);
      if (prop === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          probe.roundTrips++;
          probe.batches++;
          if (probe.holding) await new Promise<void>((resolve) => waiters.push(resolve));
          const { throwMarker, refuseMarker } = probe;
          if (throwMarker && statements.some((s) => carries(s, throwMarker.marker))) throw throwMarker.error();
          const unwrapped = statements.map((s) =>
            refuseMarker && carries(s, refuseMarker)
              ? target.prepare('INSERT INTO events (seq) VALUES (NULL)')
              : (realOf.get(s) ?? s),
          );
          return target.batch(unwrapped);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });

  const probe: D1Probe = {
    d1,
    roundTrips: 0,
    batches: 0,
    holding: false,
    release() {
      probe.holding = false;
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    },
  };
  return probe;
}
