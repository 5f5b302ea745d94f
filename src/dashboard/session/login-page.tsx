// The sign-in page: the deployment's admin password, and where to go afterwards.
import { Document } from '../components/document';

export function LoginPage({ error, next }: { error?: string; next: string }) {
  return (
    <Document title="Sign in" bodyClass="login">
      <main class="login-box">
        <h1>
          <span class="brand-mark" aria-hidden="true">◆</span> Waymark
        </h1>
        <p class="sub">Sign in with this deployment's admin password.</p>
        {error ? (
          <p class="callout error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <form method="post" action="/login">
          <input type="hidden" name="next" value={next} />
          <label>
            <span>Password</span>
            <input type="password" name="password" required autoFocus autoComplete="current-password" data-testid="password" />
          </label>
          <button type="submit" data-testid="sign-in">
            Sign in
          </button>
        </form>
      </main>
    </Document>
  );
}
