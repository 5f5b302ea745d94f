// A member's own account: set or change their password, and add a passkey.
import { MIN_PASSWORD_LENGTH } from '../../team/passwords';

export function AccountPage(props: {
  member: { name: string; email: string; role: string };
  hasPassword: boolean;
  passkeys: number;
  csrf: string;
  error?: string;
  notice?: string;
}) {
  const { member, csrf } = props;
  return (
    <section class="page">
      <h1>Account</h1>
      <p>
        {member.name} · <span data-testid="account-email">{member.email}</span> · {member.role}
      </p>
      {props.notice ? (
        <p class="callout ok" role="status" data-testid="account-notice">
          {props.notice}
        </p>
      ) : null}
      {props.error ? (
        <p class="callout error" role="alert" data-testid="account-error">
          {props.error}
        </p>
      ) : null}
      <h2>Password</h2>
      <form method="post" action="/account/password" class="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        <label>
          <span>{props.hasPassword ? 'Current password' : member.role === 'owner' ? "Current password (the deployment's admin password)" : 'Current password'}</span>
          <input type="password" name="current" autoComplete="current-password" disabled={!props.hasPassword && member.role !== 'owner'} />
        </label>
        <label>
          <span>New password (at least {MIN_PASSWORD_LENGTH} characters)</span>
          <input type="password" name="password" required minLength={MIN_PASSWORD_LENGTH} autoComplete="new-password" />
        </label>
        <button type="submit">{props.hasPassword ? 'Change password' : 'Set password'}</button>
      </form>
      <h2>Passkeys</h2>
      <p>{props.passkeys === 0 ? 'No passkeys yet.' : `${props.passkeys} passkey${props.passkeys === 1 ? '' : 's'} registered.`}</p>
      <form method="post" action="/account/passkey" class="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="response" value="" />
        <button type="button" data-passkey="register" data-options="/account/passkey/options" data-testid="add-passkey">
          Add a passkey
        </button>
        <p class="callout error" role="alert" data-passkey-error hidden></p>
      </form>
    </section>
  );
}
