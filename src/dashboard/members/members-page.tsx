// The owner's Members page: who is on the team and with what role, open invites (a new
// invite's link shown once), and every live session, each of which the owner can end.
import type { Invite } from '../../team/invites';
import type { Member } from '../../team/members';
import { INVITABLE_ROLES } from '../../team/roles';
import type { SessionSummary } from '../../team/sessions';
import { CopyButton } from '../components/copy-button';
import { Table } from '../components/table';
import { Time } from '../components/time';

export interface MembersPageProps {
  members: Member[];
  invites: Invite[];
  sessions: SessionSummary[];
  currentSession: string;
  csrf: string;
  now: number;
  newInvite?: { link: string; email: string; role: string };
  inviteError?: string;
  inviteEmail?: string;
}

const Csrf = ({ value }: { value: string }) => <input type="hidden" name="_csrf" value={value} />;

export function MembersPage(props: MembersPageProps) {
  const { csrf, now } = props;
  const byId = new Map(props.members.map((m) => [m.id, m]));
  return (
    <section class="page">
      <h1>Members</h1>
      {props.newInvite ? (
        <div class="callout ok" role="status" data-testid="new-invite">
          <p>
            Invite for <strong>{props.newInvite.email}</strong> ({props.newInvite.role}). Send them this link; it works once, for 7 days,
            and is not shown again:
          </p>
          <p>
            <code data-testid="invite-link">{props.newInvite.link}</code> <CopyButton value={props.newInvite.link} label="Copy link" />
          </p>
        </div>
      ) : null}
      <Table columns={[{ label: 'Name' }, { label: 'Email' }, { label: 'Role' }, { label: 'Signs in with' }, { label: 'Joined' }, { label: 'Actions', hidden: true }]} testId="members">
        {props.members.map((m) => (
          <tr data-testid={`member-${m.email}`}>
            <td>{m.name}</td>
            <td>{m.email}</td>
            <td>
              {m.role === 'owner' ? (
                'owner'
              ) : (
                <form method="post" action={`/members/${m.id}/role`} class="inline">
                  <Csrf value={csrf} />
                  <select name="role" aria-label={`Role of ${m.email}`}>
                    {INVITABLE_ROLES.map((r) => (
                      <option value={r} selected={r === m.role}>
                        {r}
                      </option>
                    ))}
                  </select>
                  <button type="submit" class="secondary">Change</button>
                </form>
              )}
            </td>
            <td>{[m.has_password ? 'password' : m.role === 'owner' ? 'admin password' : null, m.passkeys > 0 ? `${m.passkeys} passkey${m.passkeys === 1 ? '' : 's'}` : null].filter(Boolean).join(', ')}</td>
            <td>
              <Time ms={m.created_at} now={now} />
            </td>
            <td>
              {m.role === 'owner' ? null : (
                <form method="post" action={`/members/${m.id}/remove`} class="inline">
                  <Csrf value={csrf} />
                  <button type="submit" class="danger" data-testid={`remove-${m.email}`}>
                    Remove
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </Table>

      <h2>Invite someone</h2>
      <form method="post" action="/members/invites" class="stack" data-testid="invite-form">
        <Csrf value={csrf} />
        <label>
          <span>Email</span>
          <input type="email" name="email" required value={props.inviteEmail ?? ''} aria-invalid={props.inviteError ? 'true' : undefined} data-testid="invite-email-input" />
        </label>
        <label>
          <span>Role</span>
          <select name="role" data-testid="invite-role-input">
            <option value="viewer">viewer: search, read and export events</option>
            <option value="admin">admin: also projects, keys, settings, retention</option>
          </select>
        </label>
        {props.inviteError ? (
          <p class="field-error" role="alert" data-testid="invite-error">
            {props.inviteError}
          </p>
        ) : null}
        <button type="submit" data-testid="invite-submit">Create invite link</button>
      </form>

      {props.invites.length > 0 ? (
        <>
          <h2>Open invites</h2>
          <Table columns={[{ label: 'Email' }, { label: 'Role' }, { label: 'Expires' }, { label: 'Actions', hidden: true }]} testId="invites">
            {props.invites.map((i) => (
              <tr>
                <td>{i.email}</td>
                <td>{i.role}</td>
                <td>
                  <Time ms={i.expires_at} now={now} />
                </td>
                <td>
                  <form method="post" action={`/members/invites/${i.id}/revoke`} class="inline">
                    <Csrf value={csrf} />
                    <button type="submit" class="secondary">Revoke</button>
                  </form>
                </td>
              </tr>
            ))}
          </Table>
        </>
      ) : null}

      <h2>Sessions</h2>
      <Table columns={[{ label: 'Member' }, { label: 'Started' }, { label: 'Expires' }, { label: 'Address' }, { label: 'Browser', class: 'wide' }, { label: 'Actions', hidden: true }]} testId="sessions">
        {props.sessions.map((s) => (
          <tr data-testid={`session-${s.id}`}>
            <td>{byId.get(s.member_id)?.email ?? s.member_id}</td>
            <td>
              <Time ms={s.created_at} now={now} />
            </td>
            <td>
              <Time ms={s.expires_at} now={now} />
            </td>
            <td>{s.ip ?? ''}</td>
            <td class="wide">{s.user_agent ?? ''}</td>
            <td>
              {s.id === props.currentSession ? (
                <span class="muted">this session</span>
              ) : (
                <form method="post" action={`/members/sessions/${s.id}/end`} class="inline">
                  <Csrf value={csrf} />
                  <button type="submit" class="secondary" data-testid={`end-${s.id}`}>
                    End
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
