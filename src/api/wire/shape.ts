// What one WorkOS API generation looks like on the wire, as the shared route module
// (api/events.ts) and the error renderer (api/wire/index.ts) need it.
import type { z } from 'zod';
import type { AppError, Problem } from '../../lib/errors';
import type { AuditEvent, NewEvent } from '../../events/model';
import type { ListFilters, QueryValues } from '../query';

export type WireName = 'legacy' | 'audit_logs';

export type ParsedEvent = { ok: true; event: NewEvent } | { ok: false; problems: Problem[] };

/** An error as the API answers it. */
export interface ErrorAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface WireShape {
  name: WireName;
  /** What a create answers with: 201 for the legacy API, 200 for Audit Logs. */
  createdStatus: 200 | 201;
  /** Audit Logs dedupes a single create on its content even without an Idempotency-Key (as WorkOS does). */
  dedupeOnContent: boolean;
  /** The part of one create item kept as the event's raw JSON: the whole item, or its inner event. */
  rawPart(item: unknown): unknown;
  /** Where that part is inside one create item (`[]` or `['event']`), for problems found in it. */
  eventPath: string[];
  /** Validates one create item and converts it to the internal event. */
  parseEvent(item: unknown, raw: string, now: () => number): ParsedEvent;
  /** The list endpoint's query string: its parameters, checked and turned into list filters. */
  listQuery: z.ZodType<ListFilters, QueryValues>;
  toEvent(event: AuditEvent): object;
  /** Renders an error's neutral problems in this shape. */
  renderProblems(err: AppError, problems: Problem[]): ErrorAnswer;
}
