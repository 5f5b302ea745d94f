// The Actions page: one row per action, with its schema versions side by side (what each
// version asks of the actor's, each target type's and the event's metadata).
import type { Schema } from '@cfworker/json-schema';
import type { ActionSchema } from '../../schemas/model';
import { Empty } from '../components/empty';
import { Table, type Column } from '../components/table';
import { Time } from '../components/time';

const COLUMNS: Column[] = [{ label: 'Action' }, { label: 'Schema' }];

/** A metadata schema's fields as `name: type`, required ones marked. */
function Fields(props: { schema?: Schema | null }) {
  const properties = (props.schema?.properties ?? {}) as Record<string, Schema>;
  const required = new Set((props.schema?.required as string[] | undefined) ?? []);
  const names = Object.keys(properties);
  if (names.length === 0) return <span class="muted">any</span>;
  return (
    <ul class="fields">
      {names.map((n) => (
        <li>
          <code>{n}</code>: {String(properties[n]?.type ?? 'any')}
          {required.has(n) ? <span class="muted"> (required)</span> : null}
        </li>
      ))}
    </ul>
  );
}

function Version(props: { schema: ActionSchema; now: number }) {
  const s = props.schema;
  return (
    <div class="schema-version" data-testid="schema-version">
      <h3>
        v{s.version} <span class="muted small"><Time ms={s.createdAt} now={props.now} /></span>
      </h3>
      <dl>
        <dt>Actor metadata</dt>
        <dd>
          <Fields schema={s.actor?.metadata} />
        </dd>
        {s.targets.map((t) => (
          <>
            <dt>
              Target <code>{t.type}</code>
            </dt>
            <dd>
              <Fields schema={t.metadata} />
            </dd>
          </>
        ))}
        <dt>Event metadata</dt>
        <dd>
          <Fields schema={s.metadata} />
        </dd>
      </dl>
    </div>
  );
}

/** The "require a schema" setting and its switch. */
function RequireSchema(props: { required: boolean; action: string; csrf: string }) {
  return (
    <section class="card" data-testid="require-schema">
      <h2>Require a schema</h2>
      <p>
        {props.required ? (
          <strong data-testid="require-schema-state">On:</strong>
        ) : (
          <strong data-testid="require-schema-state">Off:</strong>
        )}{' '}
        {props.required
          ? 'every Audit Logs event must match a schema of its action (the version it names, else the latest); an action without a schema is refused.'
          : 'events are checked only when they name a version of an action that has schemas. Turn it on once every action has one.'}
      </p>
      <form method="post" action={props.action}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="required" value={props.required ? 'off' : 'on'} />
        <button type="submit" class={props.required ? 'secondary' : undefined} data-testid="require-schema-toggle">
          {props.required ? 'Turn off' : 'Require schemas'}
        </button>
      </form>
    </section>
  );
}

export function ActionsPage(props: {
  projectId: string;
  actions: string[];
  schemas: ActionSchema[];
  now: number;
  requireSchema: { required: boolean; action: string; csrf: string };
}) {
  const byAction = new Map<string, ActionSchema[]>();
  for (const s of props.schemas) byAction.set(s.action, [...(byAction.get(s.action) ?? []), s]);
  const names = [...new Set([...props.actions, ...byAction.keys()])].sort();
  return (
    <>
      <header class="page-head">
        <h1>Actions</h1>
        <p class="sub">
          Every action this project has recorded or given a schema. An event that names a schema <code>version</code> is checked against it
          (<code>POST /audit_logs/actions/:action/schemas</code> makes one).
        </p>
      </header>
      <RequireSchema {...props.requireSchema} />
      {names.length === 0 ? (
        <Empty title="No actions yet">
          <p>Actions appear here with the first event that uses them, or when a schema is created for one.</p>
        </Empty>
      ) : (
        <section class="card">
          <Table columns={COLUMNS} testId="actions-table">
            {names.map((name) => {
              const versions = byAction.get(name) ?? [];
              return (
                <tr data-action={name}>
                  <td>
                    <a href={`/projects/${props.projectId}/events?action=${encodeURIComponent(name)}`}>
                      <code>{name}</code>
                    </a>
                  </td>
                  <td>
                    {versions.length === 0 ? (
                      <span class="muted">no schema</span>
                    ) : (
                      <details>
                        <summary>
                          {versions.length} version{versions.length === 1 ? '' : 's'}, latest v{versions[versions.length - 1].version}
                        </summary>
                        <div class="schema-versions">
                          {versions.map((s) => (
                            <Version schema={s} now={props.now} />
                          ))}
                        </div>
                      </details>
                    )}
                  </td>
                </tr>
              );
            })}
          </Table>
        </section>
      )}
    </>
  );
}
