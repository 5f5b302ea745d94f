// One event, everything recorded about it, with copy buttons. Reachable by its own URL.
import type { AuditEvent, Metadata } from '../../events/model';
import { CopyButton } from '../components/copy-button';
import { Table } from '../components/table';
import { qualifiedTerm } from './viewer-params';
import { useContext } from 'preact/hooks';
import { When, ZoneContext, zonedLabel } from '../components/time';

function MetadataTable({ metadata, label }: { metadata: Metadata; label: string }) {
  const entries = Object.entries(metadata);
  if (entries.length === 0) return <p class="muted">No {label}.</p>;
  return (
    <table class="kv">
      <tbody>
        {entries.map(([k, v]) => (
          <tr>
            <th scope="row">{k}</th>
            <td>
              <code>{typeof v === 'string' ? v : JSON.stringify(v)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Field(props: { label: string; value: string | number | null; copy?: boolean; mono?: boolean; testId?: string; filter?: string }) {
  const { label, value, copy = false, mono = false } = props;
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={props.testId}>
        {value === null || value === '' ? (
          <span class="muted">—</span>
        ) : (
          <>
            <span class={mono ? 'mono' : undefined}>{String(value)}</span>
            {copy ? <CopyButton value={String(value)} /> : null}
            {props.filter ? (
              <a class="filter-link small" href={props.filter} title={`Events with this ${label.toLowerCase()}`} data-filter={label}>
                Filter
              </a>
            ) : null}
          </>
        )}
      </dd>
    </>
  );
}

function prettyRaw(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/** One event: a page of its own, or (`panel`) the side panel beside the list, with its own close button. */
export function EventDetail({ event: e, now, backHref, panel = false }: { event: AuditEvent; now: number; backHref: string; panel?: boolean }) {
  const raw = prettyRaw(e.raw);
  const zone = useContext(ZoneContext).zone;
  const list = backHref.split('?')[0];
  const only = (add: Record<string, string>) => `${list}?${new URLSearchParams(add)}`;
  return (
    <article class={panel ? 'detail in-panel' : 'detail'} data-testid="event-detail" data-event-id={e.id}>
      <p class="detail-nav">
        {panel ? (
          <>
            <button type="button" class="link" data-panel-close data-testid="panel-close">
              Close (Esc)
            </button>
            <span class="muted small">j / k: next / previous</span>
            <a href={`${list}/${e.id}`} class="small">
              Open as a page
            </a>
          </>
        ) : (
          <a href={backHref} class="back">
            ← All events
          </a>
        )}
      </p>
      <header class="page-head">
        <h1>
          <code class="action">{e.action}</code>
        </h1>
        <p class="sub">
          {e.actor.name ?? e.actor.id} · <When ms={e.occurredAt} now={now} withMs />
        </p>
      </header>
      <section class="cards">
        <div class="card">
          <h2>Event</h2>
          <dl>
            <Field label="Event id" value={e.id} copy mono />
            <Field label="Action" value={e.action} copy mono filter={only({ action: e.action })} />
            <Field label="Action type" value={e.actionType ? e.actionType.toUpperCase() : null} />
            <Field label="Schema version" value={e.version} />
            {zone !== 'UTC' ? <Field label={`Occurred (${zone})`} value={zonedLabel(e.occurredAt, zone, true)} mono testId="occurred-local" /> : null}
            <Field label="Occurred at (UTC)" value={new Date(e.occurredAt).toISOString()} copy mono testId="occurred-utc" />
            <Field label="Received at" value={new Date(e.receivedAt).toISOString()} mono />
            <Field label="Organization" value={e.organizationId} copy mono filter={only({ org: e.organizationId })} />
            <Field label="Sent through" value={e.source === 'legacy' ? 'Audit Trail API (POST /events)' : 'Audit Logs API (POST /audit_logs/events)'} />
          </dl>
        </div>
        <div class="card">
          <h2>Actor</h2>
          <dl>
            <Field label="Name" value={e.actor.name} />
            <Field label="Email" value={e.actor.email} copy />
            <Field label="Id" value={e.actor.id} copy mono filter={only({ actor: e.actor.id })} />
            <Field label="Type" value={e.actor.type} />
          </dl>
          <h3>Actor metadata</h3>
          <MetadataTable metadata={e.actor.metadata} label="actor metadata" />
        </div>
        <div class="card">
          <h2>Context</h2>
          <dl>
            <Field label="Location" value={e.context.location} copy mono filter={e.context.location ? only({ q: qualifiedTerm('ip', e.context.location) }) : undefined} />
            <Field label="User agent" value={e.context.userAgent} />
          </dl>
        </div>
      </section>
      <section class="card">
        <h2>Targets ({e.targets.length})</h2>
        {e.targets.length === 0 ? (
          <p class="muted">No targets.</p>
        ) : (
          <Table columns={[{ label: 'Name' }, { label: 'Type' }, { label: 'Id' }, { label: 'Metadata' }]}>
            {e.targets.map((t) => (
              <tr>
                <td>{t.name ?? <span class="muted">—</span>}</td>
                <td>{t.type ?? <span class="muted">—</span>}</td>
                <td class="mono">
                  {t.id || <span class="muted">—</span>} {t.id ? <CopyButton value={t.id} /> : null}{' '}
                  {t.id ? (
                    <a class="filter-link small" href={only({ target: t.id })} data-filter="target">
                      Filter
                    </a>
                  ) : null}
                </td>
                <td>
                  <MetadataTable metadata={t.metadata} label="metadata" />
                </td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      <section class="card">
        <h2>Metadata</h2>
        <MetadataTable metadata={e.metadata} label="event metadata" />
      </section>
      <section class="card">
        <h2>
          Raw JSON, as sent <CopyButton value={raw} label="Copy JSON" />
        </h2>
        <pre class="code" data-testid="raw-json">{raw}</pre>
      </section>
    </article>
  );
}
