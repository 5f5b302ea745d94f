// Over-long uploads through a real HTTP server (wrangler dev): a chunked body past the
// cap gets a 413 the client can read, never a reset connection.
import { request } from 'node:http';
import { describe, expect, inject, it } from 'vitest';
import { E2E_VARS } from './vars.ts';

const url = new URL(inject('waymarkUrl'));

function chunkedUpload(path: string, totalBytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        headers: { authorization: `Bearer ${E2E_VARS.DEFAULT_PROJECT_SECRET_KEY}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('chunked uploads over the size cap', () => {
  it.each([
    ['/events', 1024 * 1024],
    ['/audit_logs/events', 2 * 1024 * 1024],
  ])('%s, %i bytes: 413, ten times in a row', async (path, bytes) => {
    for (let i = 0; i < 10; i++) {
      const r = await chunkedUpload(path, bytes);
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body).code).toBe('payload_too_large');
    }
  });
});
