// Which wire shape a request's API speaks, and the one place an AppError becomes the
// JSON the API answers with. Layers below the API throw neutral problems; this renders
// them in the caller's shape.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../context';
import type { AppError } from '../../lib/errors';
import { auditLogs } from './audit-logs';
import { legacy } from './legacy';
import type { ErrorAnswer, WireName, WireShape } from './shape';

export const WIRES: Record<WireName, WireShape> = { legacy, audit_logs: auditLogs };

/** Marks the requests below it as speaking `name`, so their errors render in that shape. */
export const speaks = (name: WireName) =>
  createMiddleware<AppEnv>(async (c, next) => {
    c.set('wire', name);
    await next();
  });

/**
 * An error as the API answers it: neutral problems in the shape of the request's API
 * (the legacy one, the original, where no API claimed the request); an `errors` array
 * built elsewhere passes through unchanged; otherwise `{message, code}`, the same in both.
 */
export function renderApiError(err: AppError, wire: WireName | undefined): ErrorAnswer {
  if (err.problems && err.problems.length > 0) return WIRES[wire ?? 'legacy'].renderProblems(err, err.problems);
  const body: Record<string, unknown> = { message: err.message, code: err.code };
  if (err.errors) body.errors = err.errors;
  return { status: err.status, body };
}
