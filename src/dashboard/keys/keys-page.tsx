// API keys of one project: list, create (the plain key shown once), revoke with a confirmation.
import type { ApiKeySummary } from '../../projects/store';
import { CopyButton } from '../components/copy-button';
import { Table, type Column } from '../components/table';
import { Time } from '../components/time';

const KEY_COLUMNS: Column[] = [{ label: 'Name' }, { label: 'Key' }, { label: 'Created' }, { label: 'State' }, { label: 'Actions', hidden: true }];

export function KeysPage(props: {
  projectId: string;
  projectName: string;
  keys: ApiKeySummary[];
  csrf: string;
  now: number;
  created?: { plain: string; key: ApiKeySummary };
  revokedNote?: string;
}) {
  const base = `/projects/${props.projectId}/keys`;
  return (
    <>
      <header class="page-head">
        <h1>API Keys</h1>
        <p class="sub">
          Secret keys let your app send events to <strong>{props.projectName}</strong> and read them back. Each key belongs to this
          project only. Waymark stores a hash of each key, never the key itself.
        </p>
      </header>
      {props.created ? (
        <div class="callout success" role="status" data-testid="new-key">
          <h2>Your new key</h2>
          <p>
            <strong>Copy it now.</strong> This is the only time it is shown; Waymark keeps only its hash.
          </p>
          <p class="new-key">
            <code data-testid="new-key-value">{props.created.plain}</code> <CopyButton value={props.created.plain} label="Copy key" />
          </p>
        </div>
      ) : null}
      {props.revokedNote ? (
        <div class="callout" role="status">
          {props.revokedNote}
        </div>
      ) : null}
      <section class="card">
        <h2>Create a key</h2>
        <form method="post" action={base} class="inline-form">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <label>
            <span>Name</span>
            <input name="name" maxLength={64} placeholder="e.g. Production backend" autoComplete="off" data-testid="key-name" />
          </label>
          <button type="submit" data-testid="create-key">
            Create key
          </button>
        </form>
      </section>
      <section class="card">
        <h2>Keys</h2>
        {props.keys.length === 0 ? (
          <p class="muted">This project has no keys yet.</p>
        ) : (
          <Table testId="keys-table" columns={KEY_COLUMNS}>
            {props.keys.map((k) => (
              <tr data-key-id={k.id}>
                <td>{k.name}</td>
                <td class="mono">
                  {k.prefix}…{k.last4}
                </td>
                <td>
                  <Time ms={k.created_at} now={props.now} />
                </td>
                <td>
                  {k.revoked_at === null ? (
                    <span class="badge ok">Active</span>
                  ) : (
                    <span class="badge off">
                      Revoked <Time ms={k.revoked_at} now={props.now} />
                    </span>
                  )}
                </td>
                <td>
                  {k.revoked_at === null ? (
                    <details class="confirm">
                      <summary data-testid="revoke">Revoke…</summary>
                      <form method="post" action={`${base}/${k.id}/revoke`}>
                        <input type="hidden" name="_csrf" value={props.csrf} />
                        <p>
                          Apps using <span class="mono">…{k.last4}</span> will get 401 errors within a minute. This cannot be undone.
                        </p>
                        <button type="submit" class="danger" data-testid="confirm-revoke">
                          Revoke key
                        </button>
                      </form>
                    </details>
                  ) : null}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </>
  );
}
