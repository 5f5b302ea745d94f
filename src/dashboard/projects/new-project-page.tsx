// Where a refused "New project" lands: the form again, with the reason beside the name.
import { MAX_PROJECT_NAME } from '../../projects/store';

export function NewProjectPage(props: { csrf: string; name: string; error: string }) {
  return (
    <section class="page">
      <h1>New project</h1>
      <form method="post" action="/projects" class="stack" data-testid="new-project-form">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label>
          <span>Project name</span>
          <input name="name" value={props.name} maxLength={MAX_PROJECT_NAME} aria-invalid="true" aria-describedby="new-name-error" autoComplete="off" />
        </label>
        <p class="field-error" id="new-name-error" role="alert" data-testid="name-error">
          {props.error}
        </p>
        <button type="submit">Create</button>
      </form>
    </section>
  );
}
