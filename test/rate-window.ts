// The local Rate Limiting binding (miniflare) counts in windows aligned to the wall clock
// (epoch = floor(now / period)), so requests sent across a window boundary split into two
// windows and may never reach a limit in either. Tests that count up to a limit start here.

/** Waits for the next window unless at least `needMs` of the current one remain. */
export async function startOfWindow(needMs: number, periodMs = 10_000): Promise<void> {
  const left = periodMs - (Date.now() % periodMs);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}
