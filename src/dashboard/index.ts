// The dashboard: pages and fragments a person sees, one sub-app per section.
// Sign-in and the project pages own top-level paths; each section of a project
// lives under /projects/:pid/<section>. Every route names the least role it needs with
// `requireRole('viewer' | 'admin' | 'owner')` (session/require-session.ts).
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { account } from './account';
import { actions } from './actions';
import { events } from './events';
import { exportsSection } from './exports';
import { keys } from './keys';
import { organizations } from './organizations';
import { members } from './members';
import { preferences } from './preferences';
import { projects } from './projects';
import { session } from './session';
import { invites } from './session/invite';
import { usage } from './usage';
import { viewerSettings } from './viewer-settings';

export { dashboardError } from './error';

export const dashboard = new Hono<AppEnv>();

dashboard.route('/', session);
dashboard.route('/', invites);
dashboard.route('/', members);
dashboard.route('/', account);
dashboard.route('/', projects);
dashboard.route('/preferences', preferences);
dashboard.route('/projects/:pid/events', events);
dashboard.route('/projects/:pid/exports', exportsSection);
dashboard.route('/projects/:pid/actions', actions);
dashboard.route('/projects/:pid/organizations', organizations);
dashboard.route('/projects/:pid/keys', keys);
dashboard.route('/projects/:pid/usage', usage);
dashboard.route('/projects/:pid/viewer-settings', viewerSettings);

/**
 * What the mounted routes own: a fixed path (`/login`) owns itself, a path with a
 * parameter owns everything below its fixed start (`/projects/:pid/keys` owns `/projects/`).
 */
const owned = dashboard.routes.map(({ path }) => {
  const param = path.search(/\/[:*]/);
  return param < 0 ? { exact: path } : { prefix: path.slice(0, param + 1) };
});

/** Paths the dashboard owns: their errors render as HTML. */
export const isDashboardPath = (path: string) =>
  owned.some((o) => (o.exact !== undefined ? path === o.exact : path.startsWith(o.prefix!)));
