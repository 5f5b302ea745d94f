// The signed-in page frame: the left-hand menu with the project switcher, and the main area.
import type { ComponentChildren } from 'preact';
import type { Project } from '../../projects/store';
import { atLeast, type Role } from '../../team/roles';
import { Document } from './document';

export type Section = 'events' | 'exports' | 'actions' | 'organizations' | 'keys' | 'usage' | 'viewer' | 'project' | 'members' | 'account';

/** A project's sections and the least role that sees each (the server checks the same on every route). */
const SECTIONS: { id: Section; label: string; path: string; role: Role }[] = [
  { id: 'events', label: 'Events', path: 'events', role: 'viewer' },
  { id: 'exports', label: 'Exports', path: 'exports', role: 'viewer' },
  { id: 'actions', label: 'Actions', path: 'actions', role: 'viewer' },
  { id: 'organizations', label: 'Organizations', path: 'organizations', role: 'admin' },
  { id: 'keys', label: 'API Keys', path: 'keys', role: 'admin' },
  { id: 'usage', label: 'Usage', path: 'usage', role: 'admin' },
  { id: 'viewer', label: 'Customer viewer', path: 'viewer-settings', role: 'admin' },
  { id: 'project', label: 'Project', path: 'project', role: 'owner' },
];

/** Who is signed in, for the menu (pages only hide what the role cannot do; routes refuse it). */
export interface Viewer {
  name: string;
  email: string;
  role: Role;
}

export function Layout(props: {
  title: string;
  project: Project;
  projects: Project[];
  section: Section;
  csrf: string;
  viewer: Viewer;
  children: ComponentChildren;
}) {
  const { project, projects, section, csrf, viewer } = props;
  const role = viewer.role;
  return (
    <Document title={`${props.title} · ${project.name}`}>
      <a class="skip-link" href="#main" data-testid="skip-link">
        Skip to content
      </a>
      <div class="shell">
        <aside class="sidebar">
          <a class="brand" href="/">
            <span class="brand-mark" aria-hidden="true">◆</span> Waymark
          </a>
          <details class="switcher">
            <summary>
              <span class="switcher-label">Project</span>
              <span class="switcher-name" data-testid="current-project">{project.name}</span>
            </summary>
            <ul>
              {projects.map((p) => (
                <li>
                  <a href={`/projects/${p.id}/${SECTIONS.some((x) => x.id === section) ? section : 'events'}`} aria-current={p.id === project.id ? 'true' : undefined}>
                    {p.name}
                  </a>
                </li>
              ))}
            </ul>
            {atLeast(role, 'admin') ? (
              <form method="post" action="/projects" class="new-project">
                <input type="hidden" name="_csrf" value={csrf} />
                <label>
                  New project
                  <input name="name" required maxLength={64} placeholder="Project name" autoComplete="off" />
                </label>
                <button type="submit">Create</button>
              </form>
            ) : null}
          </details>
          <nav aria-label="Sections">
            {SECTIONS.filter((s) => atLeast(role, s.role)).map((s) => (
              <a href={`/projects/${project.id}/${s.path}`} aria-current={s.id === section ? 'page' : undefined}>
                {s.label}
              </a>
            ))}
          </nav>
          <nav aria-label="Team" class="team-nav">
            {role === 'owner' ? (
              <a href="/members" aria-current={section === 'members' ? 'page' : undefined} data-testid="nav-members">
                Members
              </a>
            ) : null}
            <a href="/account" aria-current={section === 'account' ? 'page' : undefined} data-testid="nav-account">
              Account
            </a>
          </nav>
          <p class="muted small signed-in-as" data-testid="signed-in-as">
            {viewer.name} · {viewer.role}
          </p>
          <form method="post" action="/logout" class="signout">
            <input type="hidden" name="_csrf" value={csrf} />
            <button type="submit" class="link">Sign out</button>
          </form>
        </aside>
        <main id="main" tabindex={-1}>{props.children}</main>
      </div>
    </Document>
  );
}
