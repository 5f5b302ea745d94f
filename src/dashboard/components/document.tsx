// The HTML document around every dashboard page: head, styles, scripts.
import type { ComponentChildren } from 'preact';

/** `scripts`: a page's own scripts from public/, after the shared ones. */
export function Document({ title, children, bodyClass, scripts }: { title: string; children: ComponentChildren; bodyClass?: string; scripts?: string[] }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"includeIndicatorCSS": false}' />
        <title>{`${title} · Waymark`}</title>
        <link rel="stylesheet" href="/app.css" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <script src="/vendor/htmx.min.js" defer></script>
        <script src="/app.js" defer></script>
        {scripts?.map((src) => <script src={src} defer></script>)}
      </head>
      <body class={bodyClass}>{children}</body>
    </html>
  );
}
