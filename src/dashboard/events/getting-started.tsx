// What an empty project shows instead of results: how to send it a first event.
import { Empty } from '../components/empty';

export function GettingStarted({ origin }: { origin: string }) {
  const curl = `curl -X POST ${origin}/audit_logs/events \\
  -H "Authorization: Bearer $WAYMARK_SECRET_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"organization_id": "org_123", "event": {
        "action": "user.signed_in", "occurred_at": "${new Date().toISOString()}",
        "actor": {"id": "user_1", "type": "user", "name": "Ada Lovelace"},
        "targets": [{"id": "user_1", "type": "user"}],
        "context": {"location": "203.0.113.7"}}}'`;
  const host = new URL(origin);
  const sdk = `import { WorkOS } from '@workos-inc/node';

const workos = new WorkOS(process.env.WAYMARK_SECRET_KEY, {
  apiHostname: '${host.hostname}',${host.port ? `\n  port: ${host.port},` : ''}
  https: ${host.protocol === 'https:'},
});

await workos.auditLogs.createEvent('org_123', {
  action: 'user.signed_in',
  occurredAt: new Date(),
  actor: { id: 'user_1', type: 'user', name: 'Ada Lovelace' },
  targets: [{ id: 'user_1', type: 'user' }],
  context: { location: '203.0.113.7' },
});`;
  return (
    <Empty title="No events yet">
      <p>
        Send this project its first event. Create a secret key under <strong>API Keys</strong>, then:
      </p>
      <h3>With curl</h3>
      <pre class="code">{curl}</pre>
      <h3>With the WorkOS Node SDK</h3>
      <pre class="code">{sdk}</pre>
    </Empty>
  );
}
