// The benchmark's reference Worker: a POST stores its body with one D1 insert and answers
// 201. No auth, no validation, no idempotency: the cheapest correct single-event write,
// against which Waymark's single-event ingest is compared (bench/ingest.ts).
interface Env {
  DB: D1Database;
  /** Set by the starter (scripts/lib/local-worker.ts) to tell its own server from another on the port. */
  WAYMARK_INSTANCE?: string;
}

// Its table: schema.ts, created by the benchmark before the first request.
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (request.method !== 'POST') return Response.json({ ok: true }, { headers: { 'waymark-instance': env.WAYMARK_INSTANCE ?? '' } });
    const body = await request.text();
    const { meta } = await env.DB.prepare('INSERT INTO events (body) VALUES (?)').bind(body).run();
    return Response.json({ success: true, id: meta.last_row_id }, { status: 201 });
  },
} satisfies ExportedHandler<Env>;
