// The signed-in page frame: the left-hand menu with the project switcher, and the main area.
import type { ComponentChildren } from 'preact';
import type { Project } from '../../projects/store';
import { Document } from './document';

export type Section = 'events' | 'exports' | 'actions' | 'organizations' | 'keys' | 'usage' | 'viewer';

const SECTIONS: { id: Section; label: string; path: string }[] = [
  { id: 'events', label: 'Events', path: 'events' },
  { id: 'exports', label: 'Exports', path: 'exports' },
  { id: 'actions', label: 'Actions', path: 'actions' },
  { id: 'organizations', label: 'Organizations', path: 'organizations' },
  { id: 'keys', label: 'API Keys', path: 'keys' },
  { id: 'usage', label: 'Usage', path: 'usage' },
  { id: 'viewer', label: 'Customer viewer', path: 'viewer-settings' },
];

export function Layout(props: {
  title: string;
  project: Project;
  projects: Project[];
  section: Section;
  csrf: string;
  children: ComponentChildren;
}) {
  const { project, projects, section, csrf } = props;
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
                  <a href={`/projects/${p.id}/${section}`} aria-current={p.id === project.id ? 'true' : undefined}>
                    {p.name}
                  </a>
                </li>
              ))}
            </ul>
            <form method="post" action="/projects" class="new-project">
              <input type="hidden" name="_csrf" value={csrf} />
              <label>
                New project
                <input name="name" required maxLength={64} placeholder="Project name" autoComplete="off" />
              </label>
              <button type="submit">Create</button>
            </form>
          </details>
          <nav aria-label="Sections">
            {SECTIONS.map((s) => (
              <a href={`/projects/${project.id}/${s.path}`} aria-current={s.id === section ? 'page' : undefined}>
                {s.label}
              </a>
            ))}
          </nav>
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
