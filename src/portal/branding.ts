// A project's viewer settings, set by the team in the dashboard: the branding the
// customer-facing viewer shows (product name, logo, accent colour) and the origins
// allowed to frame it (Content-Security-Policy frame-ancestors).
import { AppError, type Problem } from '../lib/errors';

export interface PortalSettings {
  product_name: string | null;
  /** https only. */
  logo_url: string | null;
  /** `#rrggbb`. */
  accent_color: string | null;
  /** Origins (`https://app.example.com`) that may put the viewer in an iframe. */
  frame_ancestors: string[];
}

export const EMPTY_PORTAL_SETTINGS: PortalSettings = { product_name: null, logo_url: null, accent_color: null, frame_ancestors: [] };

export const MAX_PRODUCT_NAME = 64;
export const MAX_LOGO_URL = 2048;
export const MAX_FRAME_ANCESTORS = 20;
const HEX = /^#[0-9a-fA-F]{6}$/;
/** An origin as CSP reads it: scheme, host (a leading `*.` allowed), optional port. No path, no quotes. */
const ORIGIN = /^https:\/\/(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;
/** A wildcard covers the subdomains of a registrable-looking name: `*.example.com`, never `*.com`. */
const TOO_WIDE = /^https:\/\/\*\.[^.]+(:\d{1,5})?$/;
/** Plain-http loopback origins, accepted only where Waymark runs in development (WAYMARK_ENV). */
const LOCAL_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;

/** Validates the settings form; every problem names its field. `allowLocal`: loopback http origins (development only). */
export function parsePortalSettings(
  input: { product_name: string; logo_url: string; accent_color: string; frame_ancestors: string },
  options: { allowLocal: boolean } = { allowLocal: false },
): PortalSettings {
  const problems: Problem[] = [];
  const name = input.product_name.trim();
  if ([...name].length > MAX_PRODUCT_NAME) problems.push({ path: ['product_name'], kind: 'invalid', message: `Product name: at most ${MAX_PRODUCT_NAME} characters` });
  const logo = input.logo_url.trim();
  if (logo !== '') {
    const url = URL.parse(logo);
    if (!url || url.protocol !== 'https:' || logo.length > MAX_LOGO_URL || url.username || url.password) {
      problems.push({ path: ['logo_url'], kind: 'invalid', message: 'Logo URL: an https:// address of an image' });
    }
  }
  const accent = input.accent_color.trim();
  if (accent !== '' && !HEX.test(accent)) problems.push({ path: ['accent_color'], kind: 'invalid', message: 'Accent colour: a hex colour such as #3b5bdb' });
  const origins = [...new Set(input.frame_ancestors.split(/[\s,]+/).map((o) => o.trim().toLowerCase().replace(/\/$/, '')).filter((o) => o !== ''))];
  const bad = origins.filter((o) => !(ORIGIN.test(o) && !TOO_WIDE.test(o)) && !(options.allowLocal && LOCAL_ORIGIN.test(o)));
  if (bad.length > 0) {
    const why = TOO_WIDE.test(bad[0]) ? 'a wildcard must name a domain of its own, such as https://*.example.com' : 'not an origin such as https://app.example.com (https, no path)';
    problems.push({ path: ['frame_ancestors'], kind: 'invalid', message: `Allowed origins: “${bad[0]}” is ${why}` });
  }
  if (origins.length > MAX_FRAME_ANCESTORS) problems.push({ path: ['frame_ancestors'], kind: 'invalid', message: `Allowed origins: at most ${MAX_FRAME_ANCESTORS}` });
  if (problems.length > 0) throw new AppError('validation_failed', problems.map((p) => p.message).join('; '), { problems });
  return {
    product_name: name || null,
    logo_url: logo ? new URL(logo).href : null,
    accent_color: accent ? accent.toLowerCase() : null,
    frame_ancestors: origins,
  };
}

/** The viewer's Content-Security-Policy: our own scripts and styles, the logo's origin, and the allowed framers. */
export function viewerCsp(settings: PortalSettings | null): string {
  const logoOrigin = settings?.logo_url ? new URL(settings.logo_url).origin : null;
  const framers = settings && settings.frame_ancestors.length > 0 ? settings.frame_ancestors.join(' ') : "'none'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${logoOrigin ? ` ${logoOrigin}` : ''}`,
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${framers}`,
  ].join('; ');
}
