// An action's schema: JSON Schemas for the metadata of its actor, of each target type
// and of the event, as WorkOS's Audit Logs API defines them. Checking a schema and
// compiling it into validators happen here; nothing here touches storage.
import { Validator, type Schema } from '@cfworker/json-schema';
import { AppError, type Problem } from '../lib/errors';
import { patternRisk } from './pattern-safety';
import { refRisk } from './ref-safety';

export interface ActionSchemaBody {
  actor?: { metadata: Schema };
  targets: { type: string; metadata?: Schema }[];
  metadata?: Schema;
}

export interface ActionSchema extends ActionSchemaBody {
  action: string;
  version: number;
  createdAt: number;
}

/** A schema body as sent may be at most this large (JSON). */
export const MAX_SCHEMA_BYTES = 32 * 1024;
/** Target types one schema may describe. */
export const MAX_SCHEMA_TARGETS = 50;

const DRAFT = '2020-12';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(problems: Problem[]): AppError {
  return new AppError('validation_failed', `The schema is not valid: ${problems[0].message}.`, { problems });
}

/**
 * The first `pattern` (or `patternProperties` key) in a schema that is not a valid regular
 * expression or could take more than linear time to check (schemas/pattern-safety.ts), with the reason.
 */
function firstBadPattern(node: unknown, depth: number): string | null {
  if (depth > 32 || typeof node !== 'object' || node === null) return null;
  const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node);
  for (const [key, value] of entries) {
    const candidates = key === 'pattern' && typeof value === 'string' ? [value] : key === 'patternProperties' && isObject(value) ? Object.keys(value) : [];
    for (const p of candidates) {
      try {
        new RegExp(p, 'u');
      } catch {
        return `a pattern that is not a valid regular expression: ${p}`;
      }
      const risk = patternRisk(p);
      if (risk !== null) return `a pattern that could take too long to check, because ${risk}: ${p}`;
    }
    const inner = firstBadPattern(value, depth + 1);
    if (inner !== null) return inner;
  }
  return null;
}

/** Checks one metadata JSON Schema: an object schema that a validator can compile and run. */
function checkMetadataSchema(value: unknown, path: (string | number)[]): Problem[] {
  const where = path.join('.');
  if (!isObject(value)) return [{ path, kind: 'invalid', message: `${where} must be a JSON Schema object` }];
  if (value.type !== undefined && value.type !== 'object') {
    return [{ path: [...path, 'type'], kind: 'invalid', message: `${where}.type must be "object": metadata is an object` }];
  }
  if (value.properties !== undefined && !isObject(value.properties)) {
    return [{ path: [...path, 'properties'], kind: 'invalid', message: `${where}.properties must be an object of JSON Schemas` }];
  }
  for (const [key, prop] of Object.entries((value.properties as Record<string, unknown>) ?? {})) {
    if (!isObject(prop) && typeof prop !== 'boolean') {
      return [{ path: [...path, 'properties', key], kind: 'invalid', message: `${where}.properties.${key} must be a JSON Schema` }];
    }
  }
  const badPattern = firstBadPattern(value, 0);
  if (badPattern !== null) return [{ path, kind: 'invalid', message: `${where} has ${badPattern}` }];
  const recursion = refRisk(value);
  if (recursion !== null) return [{ path, kind: 'invalid', message: `${where} cannot be used: ${recursion}` }];
  try {
    // A schema the validator cannot run (a bad $ref, a bad keyword) fails here, not on the first event.
    new Validator(value as Schema, DRAFT).validate({});
  } catch (err) {
    return [{ path, kind: 'invalid', message: `${where} cannot be used: ${err instanceof Error ? err.message : String(err)}` }];
  }
  return [];
}

/** Checks a schema body as sent (POST …/schemas); throws a 422 that says what is wrong. */
export function checkSchemaBody(body: unknown, text: string): ActionSchemaBody {
  if (new TextEncoder().encode(text).length > MAX_SCHEMA_BYTES) {
    throw new AppError('payload_too_large', `A schema is at most ${MAX_SCHEMA_BYTES / 1024} KB.`);
  }
  if (!isObject(body)) throw invalid([{ path: [], kind: 'invalid', message: 'the body must be an object' }]);
  const unknown = Object.keys(body).filter((k) => !['actor', 'targets', 'metadata'].includes(k));
  if (unknown.length > 0) throw invalid([{ path: [unknown[0]], kind: 'unknown_field', message: `${unknown[0]} is not a known field` }]);
  const problems: Problem[] = [];
  if (!Array.isArray(body.targets)) problems.push({ path: ['targets'], kind: body.targets === undefined ? 'required' : 'invalid', message: 'targets must be an array of {type, metadata?}' });
  else if (body.targets.length > MAX_SCHEMA_TARGETS) problems.push({ path: ['targets'], kind: 'invalid', message: `targets must have at most ${MAX_SCHEMA_TARGETS} entries` });
  else {
    const seen = new Set<string>();
    body.targets.forEach((t, i) => {
      if (!isObject(t) || typeof t.type !== 'string' || t.type.length === 0 || t.type.length > 64) {
        problems.push({ path: ['targets', i, 'type'], kind: 'invalid', message: `targets[${i}].type must be a string of 1 to 64 characters` });
      } else if (seen.has(t.type)) {
        problems.push({ path: ['targets', i, 'type'], kind: 'invalid', message: `targets[${i}].type "${t.type}" is described twice` });
      } else {
        seen.add(t.type);
        if (t.metadata !== undefined && t.metadata !== null) problems.push(...checkMetadataSchema(t.metadata, ['targets', i, 'metadata']));
      }
    });
  }
  if (body.actor !== undefined && body.actor !== null) {
    if (!isObject(body.actor)) problems.push({ path: ['actor'], kind: 'invalid', message: 'actor must be an object with metadata' });
    else if (body.actor.metadata !== undefined) problems.push(...checkMetadataSchema(body.actor.metadata, ['actor', 'metadata']));
  }
  if (body.metadata !== undefined && body.metadata !== null) problems.push(...checkMetadataSchema(body.metadata, ['metadata']));
  if (problems.length > 0) throw invalid(problems);
  const out: ActionSchemaBody = {
    targets: (body.targets as { type: string; metadata?: Schema | null }[]).map((t) => (t.metadata ? { type: t.type, metadata: t.metadata } : { type: t.type })),
  };
  if (isObject(body.actor) && body.actor.metadata !== undefined) out.actor = { metadata: body.actor.metadata as Schema };
  if (isObject(body.metadata)) out.metadata = body.metadata as Schema;
  return out;
}

/** The parts of an event a schema checks. */
export interface CheckedEvent {
  actor: { metadata: Record<string, unknown> };
  targets: { type: string | null; metadata: Record<string, unknown> }[];
  metadata: Record<string, unknown>;
}

const compiled = new WeakMap<ActionSchemaBody, { actor?: Validator; metadata?: Validator; targets: Map<string, Validator | null> }>();

function validatorsOf(schema: ActionSchemaBody) {
  let v = compiled.get(schema);
  if (!v) {
    v = {
      actor: schema.actor?.metadata ? new Validator(schema.actor.metadata, DRAFT, false) : undefined,
      metadata: schema.metadata ? new Validator(schema.metadata, DRAFT, false) : undefined,
      targets: new Map(schema.targets.map((t) => [t.type, t.metadata ? new Validator(t.metadata, DRAFT, false) : null])),
    };
    compiled.set(schema, v);
  }
  return v;
}

/**
 * An event's problems against its action's schema, with paths into the event
 * (`actor.metadata.plan`, `targets[1].type`). Empty when it conforms.
 */
export function checkEvent(schema: ActionSchemaBody, event: CheckedEvent): Problem[] {
  const v = validatorsOf(schema);
  const problems: Problem[] = [];
  const report = (base: (string | number)[], validator: Validator | undefined, value: unknown) => {
    if (!validator) return;
    let result: ReturnType<Validator['validate']>;
    try {
      result = validator.validate(value);
    } catch (err) {
      // Schemas stored before schemas/ref-safety.ts existed may still recurse: a 400 that says so, never a 500.
      const why = err instanceof RangeError ? 'the schema recurses too deeply for this value' : 'the schema could not be evaluated for this value';
      problems.push({ path: base, kind: 'invalid', message: `${base.join('.')}: ${why}` });
      return;
    }
    if (result.valid) return;
    // The innermost errors name the field; the outer ones only say "properties failed".
    const leaf = result.errors.filter((e) => !['properties', 'allOf', 'anyOf', 'oneOf', '$ref'].includes(e.keyword));
    for (const e of (leaf.length > 0 ? leaf : result.errors).slice(0, 5)) {
      const inner = e.instanceLocation.replace(/^#\/?/, '').split('/').filter(Boolean);
      problems.push({ path: [...base, ...inner], kind: 'invalid', message: `${[...base, ...inner].join('.')}: ${e.error}` });
    }
  };
  report(['actor', 'metadata'], v.actor, event.actor.metadata);
  event.targets.forEach((t, i) => {
    if (!t.type || !v.targets.has(t.type)) {
      problems.push({ path: ['targets', i, 'type'], kind: 'invalid', message: `targets[${i}].type must be one of the schema's target types: ${[...v.targets.keys()].join(', ')}` });
      return;
    }
    report(['targets', i, 'metadata'], v.targets.get(t.type) ?? undefined, t.metadata);
  });
  report(['metadata'], v.metadata, event.metadata);
  return problems;
}
