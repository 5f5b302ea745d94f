// Export files, served to whoever holds a signed link (no API key: the link is the credential,
// as WorkOS's presigned URLs are). Expired or altered links get a 403 and no data.
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { checkLink } from '../exports/link';
import { contentType } from '../exports/render';
import { objectKey } from '../exports/model';
import { getExport } from '../exports/store';
import { AppError } from '../lib/errors';
import { recordDashboardEvent, requestContext } from '../team/audit';
import { EXPORT_ID_PATTERN } from '../lib/ids';

export const downloads = new Hono<AppEnv>();

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
  const e = await getExport(c.var.db, check.projectId, id);
  if (!e || e.state !== 'ready') throw new AppError('not_found', 'No such export.');
  const object = await c.env.EXPORTS.get(objectKey(e));
  if (!object) throw new AppError('not_found', 'The export file is gone.');
  // The Waymark project's trail: the link is the credential, so it is the actor.
  await recordDashboardEvent(c.env, {
    action: 'export.downloaded',
    actor: { id: e.id, name: 'Signed download link', type: 'download_link' },
    targets: [
      { id: e.id, type: 'audit_log_export' },
      { id: check.projectId, type: 'project' },
    ],
    context: requestContext(c.req),
    metadata: { format: e.format, bytes: object.size },
    now: c.var.now(),
  });
  return new Response(object.body, {
    headers: {
      'content-type': contentType(e.format),
      'content-length': String(object.size),
      'content-disposition': `attachment; filename="${e.id}.${e.format}"`,
      'cache-control': 'private, no-store',
    },
  });
});
