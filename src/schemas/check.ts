// Validates events that name a schema `version` against that version of their action's
// schema, before anything is written. Problems carry paths into the request body. An
// action that has no schema in the project is not checked.
import type { Db } from '../lib/db';
import type { Problem } from '../lib/errors';
import type { NewEvent } from '../events/model';
import { checkEvent } from './model';
import { getSchema, hasSchemas } from './store';

/** Each event with its path in the request body (`['event']`, `['events', 3, 'event']`). */
export async function schemaProblems(db: Db, projectId: string, items: { event: NewEvent; path: (string | number)[] }[]): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const { event, path } of items) {
    if (event.version === null) continue;
    const schema = await getSchema(db, projectId, event.action, event.version);
    // An action with no schema here is not checked: an app moving over from WorkOS may send
    // the versions of schemas it has not created in Waymark yet.
    if (!schema && !(await hasSchemas(db, projectId, event.action))) continue;
    if (!schema) {
      problems.push({
        path: [...path, 'version'],
        kind: 'invalid',
        message: `version ${event.version} of the schema of ${event.action} does not exist in this project`,
      });
      continue;
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
