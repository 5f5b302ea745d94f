// The search language, one click away from the search box: every qualifier with an example.
const QUALIFIERS: [string, string][] = [
  ['clarence', 'any word in names, emails, actions, targets, organizations, locations and metadata; the last word also matches as a prefix (clar)'],
  ['"exact phrase"', 'words next to each other, in this order'],
  ['-word', 'leave out events with this word'],
  ['actor:zoe@serenity.io', 'the actor’s id, email or name'],
  ['action:user.signed_in', 'one action; action:user.* (or user.) every action that starts so'],
  ['-action:user.signed_in', 'every action but this one'],
  ['target:invoice_42', 'a target’s id, name or type'],
  ['org:org_foo', 'an organization (also organization:, group:)'],
  ['ip:203.0.113.7', 'the location or IP address (also location:)'],
  ['type:c,u', 'action types: c create, r read, u update, d delete (legacy events)'],
  ['after:7d  before:2026-11-01', 'time: an age (30m, 24h, 7d, 2w, 3mo, 1y) or a date (2026-11-01, 2026-11-01T10:00Z); since: and until: too'],
  ['id:evt_01JB…', 'one event by its id (an id typed alone works too)'],
  ['plan:pro', 'any other key:value is looked up in metadata'],
];

export function SearchHelp() {
  return (
    <details class="search-help" data-testid="search-help">
      <summary>Search syntax</summary>
      <table>
        <tbody>
          {QUALIFIERS.map(([example, meaning]) => (
            <tr>
              <td>
                <code>{example}</code>
              </td>
              <td>{meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">Terms combine with AND. Filters below and the search box combine too.</p>
    </details>
  );
}
