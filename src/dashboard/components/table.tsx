// Every dashboard table: a scrollable wrapper, a header row of column names, the rows.
import type { ComponentChildren } from 'preact';

export interface Column {
  label: string;
  /** Class of the header cell, e.g. `num` (right-aligned) or `wide` (hidden on phones). */
  class?: string;
  /** Named for screen readers only (a column of buttons). */
  hidden?: boolean;
}

export function Table(props: { columns: Column[]; class?: string; testId?: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table class={props.class ?? 'plain'} data-testid={props.testId}>
        <thead>
          <tr>
            {props.columns.map((col) => (
              <th scope="col" class={col.class}>
                {col.hidden ? <span class="visually-hidden">{col.label}</span> : col.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
