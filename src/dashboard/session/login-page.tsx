// The sign-in page: email and password, or a passkey; and where to go afterwards.
import { Document } from '../components/document';

export function LoginPage({ error, next, email }: { error?: string; next: string; email?: string }) {
  return (
    <Document title="Sign in" bodyClass="login" scripts={['/passkey.js']}>
      <main class="login-box">
        <h1>
          <span class="brand-mark" aria-hidden="true">◆</span> Waymark
        </h1>
        <p class="sub">Sign in with your email and password. The owner can leave the email blank and use the deployment's admin password until they set their own.</p>
        {error ? (
          <p class="callout error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <form method="post" action="/login">
          <input type="hidden" name="next" value={next} />
          <label>
            <span>Email</span>
            <input type="email" name="email" value={email ?? ''} autoComplete="username webauthn" data-testid="email" />
          </label>
          <label>
            <span>Password</span>
            <input type="password" name="password" required autoFocus autoComplete="current-password" data-testid="password" />
          </label>
          <button type="submit" data-testid="sign-in">
            Sign in
          </button>
        </form>
        <form method="post" action="/login/passkey" class="passkey-form">
          <input type="hidden" name="next" value={next} />
          <input type="hidden" name="response" value="" />
          <button type="button" class="secondary" data-passkey="sign-in" data-options="/login/passkey/options" data-testid="passkey-sign-in">
            Sign in with a passkey
          </button>
          <p class="callout error" role="alert" data-passkey-error hidden></p>
        </form>
      </main>
    </Document>
  );
}
