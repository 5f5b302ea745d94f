// The page an invite link opens: choose a name and a password, or register a passkey.
import { Document } from '../components/document';
import type { Invite } from '../../team/invites';
import { MIN_PASSWORD_LENGTH } from '../../team/passwords';

export function InvitePage({ invite, token, error, name }: { invite: Invite; token: string; error?: string; name?: string }) {
  const base = `/invite/${token}`;
  return (
    <Document title="Join Waymark" bodyClass="login" scripts={['/passkey.js']}>
      <main class="login-box">
        <h1>
          <span class="brand-mark" aria-hidden="true">◆</span> Join Waymark
        </h1>
        <p class="sub">
          You are invited as <strong data-testid="invite-role">{invite.role}</strong> with the address <strong data-testid="invite-email">{invite.email}</strong>.
          Choose a password, or register a passkey instead.
        </p>
        {error ? (
          <p class="callout error" role="alert" data-testid="invite-error">
            {error}
          </p>
        ) : null}
        <form method="post" action={base}>
          <input type="hidden" name="response" value="" />
          <label>
            <span>Your name</span>
            <input name="name" required maxLength={100} value={name ?? ''} autoComplete="name" data-testid="invite-name" />
          </label>
          <label>
            <span>Password (at least {MIN_PASSWORD_LENGTH} characters)</span>
            <input type="password" name="password" minLength={MIN_PASSWORD_LENGTH} autoComplete="new-password" data-testid="invite-password" />
          </label>
          <button type="submit" data-testid="invite-accept">
            Set password and join
          </button>
          <button type="button" class="secondary" data-passkey="register" data-options={`${base}/passkey/options`} data-action={`${base}/passkey`} data-testid="invite-passkey">
            Register a passkey and join
          </button>
          <p class="callout error" role="alert" data-passkey-error data-testid="passkey-error" hidden></p>
        </form>
      </main>
    </Document>
  );
}
