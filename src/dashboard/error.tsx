// Dashboard errors as HTML, for the app's one error handler: a fragment for htmx
// (swapped in place), a whole page otherwise.
import type { Context } from 'hono';
import type { AppEnv } from '../context';
import type { AppError } from '../lib/errors';
import { Document } from './components/document';
import { sendFragment, sendHtml, wantsFragment } from './render';

export function dashboardError(c: Context<AppEnv>, err: AppError): Response {
  if (wantsFragment(c)) {
    return sendFragment(
      c,
      <div class="callout error" role="alert">
        {err.message}
      </div>,
      err.status,
    );
  }
  return sendHtml(c, <ErrorPage status={err.status} message={err.message} />, err.status);
}

export function ErrorPage({ status, message }: { status: number; message: string }) {
  return (
    <Document title={`Error ${status}`} bodyClass="login">
      <main class="login-box">
        <h1>{status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : 'Something went wrong'}</h1>
        <p>{message}</p>
        <p>
          <a href="/">Back to Waymark</a>
        </p>
      </main>
    </Document>
  );
}
