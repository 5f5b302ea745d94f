// Waiting for background work (a Queue consumer, a cron step) in tests: poll, never sleep blindly.

/** Reads every 100 ms until `done` holds or `ms` pass; returns the last value read. */
export async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let v = await read();
  while (!done(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  return v;
}
