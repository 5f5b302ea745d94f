// Sending HTML: a whole page for a plain request, the fragment alone for an htmx
// request, from one component.
import type { Context } from 'hono';
import { h, type VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { AppEnv } from '../context';
import { ZoneContext } from './components/time';
import { viewerZone } from './time-zone';

/** Every page and fragment renders times in the viewer's zone. */
const inZone = (c: Context<AppEnv>, node: VNode) => h(ZoneContext.Provider, { value: viewerZone(c) }, node);

export function sendHtml(c: Context<AppEnv>, node: VNode, status = 200): Response {
  c.header('Cache-Control', 'no-store');
  return c.html(`<!doctype html>${renderToString(inZone(c, node))}`, status as 200);
}

export function sendFragment(c: Context<AppEnv>, node: VNode, status = 200): Response {
  c.header('Cache-Control', 'no-store');
  c.header('Vary', 'HX-Request');
  return c.html(renderToString(inZone(c, node)), status as 200);
}

/** True for an htmx request that swaps part of the page (not a history restore or a full swap). */
export function wantsFragment(c: Context<AppEnv>): boolean {
  return (
    c.req.header('hx-request') === 'true' &&
    c.req.header('hx-request-type') !== 'full' &&
    c.req.header('hx-history-restore-request') !== 'true'
  );
}
