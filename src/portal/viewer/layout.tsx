// The customer-facing viewer's frame: the app's branding (product name, logo, accent colour
// through /viewer/theme.css, so the CSP needs no inline style), the organization it shows,
// and a way back to the app. Nothing of the team dashboard: no projects, keys or usage.
import type { ComponentChildren } from 'preact';
import type { PortalSettings } from '../branding';

export function ViewerDocument({ title, productName, children }: { title: string; productName: string; children: ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"includeIndicatorCSS": false}' />
        <meta name="referrer" content="same-origin" />
        <title>{`${title} · ${productName}`}</title>
        <link rel="stylesheet" href="/app.css" />
        <link rel="stylesheet" href="/viewer/theme.css" />
        <script src="/vendor/htmx.min.js" defer></script>
        <script src="/app.js" defer></script>
      </head>
      <body class="viewer">{children}</body>
    </html>
  );
}

export function ViewerLayout(props: {
  title: string;
  branding: PortalSettings | null;
  organizationId: string;
  returnUrl: string | null;
  section?: 'events' | 'exports';
  children: ComponentChildren;
}) {
  const section = props.section ?? 'events';
  const productName = props.branding?.product_name ?? 'Audit log';
  return (
    <ViewerDocument title={props.title} productName={productName}>
      <header class="viewer-bar" data-testid="viewer-bar">
        <span class="brand">
          {props.branding?.logo_url ? <img src={props.branding.logo_url} alt="" class="viewer-logo" height={24} /> : null}
          <span data-testid="product-name">{productName}</span>
        </span>
        <span class="viewer-org">
          Audit log of <strong data-testid="viewer-org">{props.organizationId}</strong>
        </span>
        <nav class="viewer-nav" aria-label="Audit log">
          <a href="/viewer/events" data-testid="viewer-nav-events" {...(section === 'events' ? { 'aria-current': 'page' } : {})}>
            Events
          </a>
          <a href="/viewer/exports" data-testid="viewer-nav-exports" {...(section === 'exports' ? { 'aria-current': 'page' } : {})}>
            Exports
          </a>
        </nav>
        {props.returnUrl ? (
          <a class="viewer-back" href={props.returnUrl} target="_top" rel="noopener" data-testid="return-link">
            ← Back to {productName}
          </a>
        ) : null}
      </header>
      <main id="main" class="viewer-main">
        {props.children}
      </main>
    </ViewerDocument>
  );
}

export function ViewerErrorPage({ status, message }: { status: number; message: string }) {
  return (
    <ViewerDocument title={`Error ${status}`} productName="Audit log">
      <main class="login-box" data-testid="viewer-error">
        <h1>{status === 401 ? 'This link cannot be opened' : status === 404 ? 'Not found' : 'Something went wrong'}</h1>
        <p>{message}</p>
      </main>
    </ViewerDocument>
  );
}
