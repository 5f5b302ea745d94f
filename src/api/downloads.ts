// Export files, served to whoever holds a signed link (no API key: the link is the credential,
// as WorkOS's presigned URLs are). Expired or altered links get a 403 and no data. Each link's
// first download is recorded in the Waymark trail (HEAD and repeats of the same link are not,
// so a link passed around cannot flood the trail), and an export is served at most
// DOWNLOADS_PER_10S times per 10 seconds (the strict Rate Limiting binding, keyed by export).
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../context';
import { checkLink } from '../exports/link';
import { contentType } from '../exports/render';
import { objectKey, type AuditExport } from '../exports/model';
import { getExport } from '../exports/store';
import { AppError } from '../lib/errors';
import { recordDashboardEvent, requestContext } from '../team/audit';
import { EXPORT_ID_PATTERN } from '../lib/ids';

export const downloads = new Hono<AppEnv>();

/** The strict Rate Limiting binding's limit (wrangler.toml), keyed by export. */
export const DOWNLOADS_PER_10S = 10;
/** How long a link's first download is remembered: past the link's own life (10 minutes). */
const RECORDED_TTL_SECONDS = 15 * 60;

downloads.get('/downloads/exports/:id', async (c) => {
  const id = c.req.param('id');
  if (!EXPORT_ID_PATTERN.test(id)) throw new AppError('not_found', 'No such export.');
  const check = await checkLink(c.env, id, new URL(c.req.url).searchParams, c.var.now());
  if (!check.ok) {
    throw new AppError(
      'forbidden',
      check.reason === 'expired' ? 'This download link has expired: fetch the export again for a fresh link.' : 'This download link is not valid.',
    );
  }
  if (!(await c.env.RATE_LIMIT_STRICT.limit({ key: `download:${id}` })).success) {
    throw new AppError('rate_limit_exceeded', 'Too many downloads of this export: retry shortly.', { headers: { 'Retry-After': '10' } });
  }
  const e = await getExport(c.var.db, check.projectId, id);
  if (!e || e.state !== 'ready') throw new AppError('not_found', 'No such export.');
  const headers = (size: number) => ({
    'content-type': contentType(e.format),
    'content-length': String(size),
    'content-disposition': `attachment; filename="${e.id}.${e.format}"`,
    'cache-control': 'private, no-store',
  });
  if (c.req.method === 'HEAD') {
    const head = await c.env.EXPORTS.head(objectKey(e));
    if (!head) throw new AppError('not_found', 'The export file is gone.');
    return new Response(null, { headers: headers(head.size) });
  }
  const object = await c.env.EXPORTS.get(objectKey(e));
  if (!object) throw new AppError('not_found', 'The export file is gone.');
  const marker = `export-download:${id}:${new URL(c.req.url).searchParams.get('expires')}`;
  if ((await c.env.KV.get(marker)) === null) {
    await c.env.KV.put(marker, '1', { expirationTtl: RECORDED_TTL_SECONDS });
    await recordDownload(c, e, object.size, check.projectId);
  }
  return new Response(object.body, { headers: headers(object.size) });
});

/** The Waymark project's trail: the link is the credential, so it is the actor. */
async function recordDownload(c: Context<AppEnv>, e: AuditExport, bytes: number, projectId: string): Promise<void> {
  await recordDashboardEvent(c.env, {
    action: 'export.downloaded',
    actor: { id: e.id, name: 'Signed download link', type: 'download_link' },
    targets: [
      { id: e.id, type: 'audit_log_export' },
      { id: projectId, type: 'project' },
    ],
    context: requestContext(c.req),
    metadata: { format: e.format, bytes },
    now: c.var.now(),
  });
}
