// Validates Audit Logs events against their action's schema before anything is written:
// an event that names a `version` against that version; with the project setting
// "require a schema", every event against its version or else the latest one, and an
// action without any schema is refused. Without the setting, an action that has no schema
// in the project is not checked (an app moving over from WorkOS may send versions of
// schemas it has not created here yet). Problems carry paths into the request body.
import type { Db } from '../lib/db';
import type { Problem } from '../lib/errors';
import type { NewEvent } from '../events/model';
import { checkEvent, type ActionSchema } from './model';
import { getSchema, hasSchemas, latestSchema } from './store';

/** Each event with its path in the request body (`['event']`, `['events', 3, 'event']`). */
export async function schemaProblems(
  db: Db,
  projectId: string,
  items: { event: NewEvent; path: (string | number)[] }[],
  options: { requireSchema: boolean },
): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const { event, path } of items) {
    // The legacy API has no schemas (its targets have no types).
    if (event.source !== 'audit_logs') continue;
    if (event.version === null && !options.requireSchema) continue;
    let schema: ActionSchema | null;
    if (event.version !== null) {
      schema = await getSchema(db, projectId, event.action, event.version);
      if (!schema) {
        if (!options.requireSchema && !(await hasSchemas(db, projectId, event.action))) continue;
        problems.push({ path: [...path, 'version'], kind: 'invalid', message: `version ${event.version} of the schema of ${event.action} does not exist in this project` });
        continue;
      }
    } else {
      schema = await latestSchema(db, projectId, event.action);
      if (!schema) {
        problems.push({
          path: [...path, 'action'],
          kind: 'invalid',
          message: `this project requires a schema for every action, and ${event.action} has none (POST /audit_logs/actions/${event.action}/schemas)`,
        });
        continue;
      }
    }
    const found = checkEvent(schema, {
      actor: { metadata: event.actor.metadata },
      targets: event.targets.map((t) => ({ type: t.type, metadata: t.metadata })),
      metadata: event.metadata,
    });
    problems.push(...found.map((p) => ({ ...p, path: [...path, ...p.path] })));
  }
  return problems;
}
