// API keys of one project: list, create (the plain key shown once), revoke with a confirmation.
import { keyUnusable, scopesOf, type ApiKeySummary } from '../../projects/keys-store';
import type { KeyUsage } from '../../usage/store';
import { EXPIRY_DAYS, OVERLAP_HOURS, overlapLabel } from './options';
import { CopyButton } from '../components/copy-button';
import { Table, type Column } from '../components/table';
import { Time } from '../components/time';

const KEY_COLUMNS: Column[] = [
  { label: 'Name' },
  { label: 'Key' },
  { label: 'Scopes' },
  { label: 'Created' },
  { label: 'Last used' },
  { label: 'Requests', class: 'num' },
  { label: 'State' },
  { label: 'Actions', hidden: true },
];

function KeyState(props: { k: ApiKeySummary; now: number }) {
  const { k, now } = props;
  if (k.revoked_at !== null) {
    return (
      <span class="badge off">
        Revoked <Time ms={k.revoked_at} now={now} />
      </span>
    );
  }
  if (k.expires_at != null && k.expires_at <= now) {
    return (
      <span class="badge off">
        Expired <Time ms={k.expires_at} now={now} />
      </span>
    );
  }
  return (
    <>
      <span class="badge ok">Active</span>
      {k.expires_at != null ? (
        <span class="muted small">
          {' '}
          {k.replaced_by ? 'rotated; stops' : 'expires'} <Time ms={k.expires_at} now={now} />
        </span>
      ) : null}
    </>
  );
}

export function KeysPage(props: {
  projectId: string;
  projectName: string;
  keys: ApiKeySummary[];
  /** Each key's request count and last use, from the usage counters (a few seconds behind). */
  usage: Map<string, KeyUsage>;
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
          <fieldset class="scopes">
            <legend>Scopes</legend>
            <input type="hidden" name="scope_choice" value="1" />
            <label>
              <input type="checkbox" name="scopes" value="write" checked data-testid="scope-write" /> Write <span class="muted">(send events)</span>
            </label>
            <label>
              <input type="checkbox" name="scopes" value="read" checked data-testid="scope-read" /> Read <span class="muted">(list, search, export)</span>
            </label>
          </fieldset>
          <label>
            <span>Expires</span>
            <select name="expires_in_days" data-testid="key-expiry">
              <option value="">Never</option>
              {EXPIRY_DAYS.map((d) => (
                <option value={String(d)}>In {d} days</option>
              ))}
            </select>
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
                <td data-testid="key-scopes">{scopesOf(k).join(', ')}</td>
                <td>
                  <Time ms={k.created_at} now={props.now} />
                </td>
                <td data-testid="key-last-used">
                  {props.usage.get(k.id) ? <Time ms={props.usage.get(k.id)!.lastUsedAt} now={props.now} /> : <span class="muted">Never</span>}
                </td>
                <td class="num" data-testid="key-requests">
                  {(props.usage.get(k.id)?.requests ?? 0).toLocaleString('en-US')}
                </td>
                <td>
                  <KeyState k={k} now={props.now} />
                </td>
                <td>
                  {keyUnusable(k, props.now) === null && !k.replaced_by ? (
                    <details class="confirm rotate">
                      <summary data-testid="rotate">Rotate…</summary>
                      <form method="post" action={`${base}/${k.id}/rotate`}>
                        <input type="hidden" name="_csrf" value={props.csrf} />
                        <p>A new key with the same name and scopes is shown once. The old one keeps working for:</p>
                        <select name="overlap_hours" data-testid="rotate-overlap">
                          {OVERLAP_HOURS.map((h) => (
                            <option value={String(h)} selected={h === 24}>
                              {overlapLabel(h)}
                            </option>
                          ))}
                        </select>
                        <button type="submit" data-testid="confirm-rotate">
                          Rotate key
                        </button>
                      </form>
                    </details>
                  ) : null}
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
