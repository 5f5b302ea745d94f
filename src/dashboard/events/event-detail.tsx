// One event, everything recorded about it, with copy buttons. Reachable by its own URL.
import type { AuditEvent, Metadata } from '../../events/model';
import { CopyButton } from '../components/copy-button';
import { Table } from '../components/table';
import { exactTime, relativeTime } from '../components/time';

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

function Field({ label, value, copy = false, mono = false }: { label: string; value: string | number | null; copy?: boolean; mono?: boolean }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        {value === null || value === '' ? (
          <span class="muted">—</span>
        ) : (
          <>
            <span class={mono ? 'mono' : undefined}>{String(value)}</span>
            {copy ? <CopyButton value={String(value)} /> : null}
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

export function EventDetail({ event: e, now, backHref, organizationName }: { event: AuditEvent; now: number; backHref: string; organizationName?: string }) {
  const raw = prettyRaw(e.raw);
  return (
    <article class="detail" data-testid="event-detail">
      <p>
        <a href={backHref} class="back">
          ← All events
        </a>
      </p>
      <header class="page-head">
        <h1>
          <code class="action">{e.action}</code>
        </h1>
        <p class="sub">
          {e.actor.name ?? e.actor.id} · {relativeTime(e.occurredAt, now)} · {exactTime(e.occurredAt)}
        </p>
      </header>
      <section class="cards">
        <div class="card">
          <h2>Event</h2>
          <dl>
            <Field label="Event id" value={e.id} copy mono />
            <Field label="Action" value={e.action} copy mono />
            <Field label="Action type" value={e.actionType ? e.actionType.toUpperCase() : null} />
            <Field label="Schema version" value={e.version} />
            <Field label="Occurred at" value={new Date(e.occurredAt).toISOString()} copy mono />
            <Field label="Received at" value={new Date(e.receivedAt).toISOString()} mono />
            {organizationName ? <Field label="Organization name" value={organizationName} /> : null}
            <Field label="Organization" value={e.organizationId} copy mono />
            <Field label="Sent through" value={e.source === 'legacy' ? 'Audit Trail API (POST /events)' : 'Audit Logs API (POST /audit_logs/events)'} />
          </dl>
        </div>
        <div class="card">
          <h2>Actor</h2>
          <dl>
            <Field label="Name" value={e.actor.name} />
            <Field label="Email" value={e.actor.email} copy />
            <Field label="Id" value={e.actor.id} copy mono />
            <Field label="Type" value={e.actor.type} />
          </dl>
          <h3>Actor metadata</h3>
          <MetadataTable metadata={e.actor.metadata} label="actor metadata" />
        </div>
        <div class="card">
          <h2>Context</h2>
          <dl>
            <Field label="Location" value={e.context.location} copy mono />
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
                  {t.id || <span class="muted">—</span>} {t.id ? <CopyButton value={t.id} /> : null}
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
