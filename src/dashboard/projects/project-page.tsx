// A project's own settings for the owner: rename it, or delete it with a typed confirmation.
// Errors show beside the field (a blank or duplicate name, a confirmation that does not match).
import type { Project } from '../../projects/store';

export function ProjectPage(props: { project: Project; csrf: string; builtIn: boolean; nameError?: string; name?: string; deleteError?: string }) {
  const { project, csrf } = props;
  return (
    <section class="page">
      <h1>Project</h1>
      <p class="muted">
        Id <code>{project.id}</code>
      </p>
      <form method="post" action={`/projects/${project.id}/project/rename`} class="stack" data-testid="rename-form">
        <input type="hidden" name="_csrf" value={csrf} />
        <label>
          <span>Name</span>
          <input name="name" value={props.name ?? project.name} maxLength={64} aria-invalid={props.nameError ? 'true' : undefined} aria-describedby="name-error" data-testid="project-name" />
        </label>
        {props.nameError ? (
          <p class="field-error" id="name-error" role="alert" data-testid="name-error">
            {props.nameError}
          </p>
        ) : null}
        <button type="submit" data-testid="rename">Rename</button>
      </form>
      {props.builtIn ? (
        <p class="muted">This project is built in and cannot be deleted.</p>
      ) : (
        <form method="post" action={`/projects/${project.id}/project/delete`} class="stack danger-zone" data-testid="delete-form">
          <input type="hidden" name="_csrf" value={csrf} />
          <h2>Delete this project</h2>
          <p>Its events are deleted and its API keys stop working at once. This cannot be undone.</p>
          <label>
            <span>
              Type <strong>{project.name}</strong> to confirm
            </span>
            <input name="confirm" autoComplete="off" aria-invalid={props.deleteError ? 'true' : undefined} data-testid="delete-confirm" />
          </label>
          {props.deleteError ? (
            <p class="field-error" role="alert" data-testid="delete-error">
              {props.deleteError}
            </p>
          ) : null}
          <button type="submit" class="danger" data-testid="delete-project">
            Delete project
          </button>
        </form>
      )}
    </section>
  );
}
