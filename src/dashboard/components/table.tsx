// Every dashboard table: a scrollable wrapper, a header row of column names, the rows. Each
// cell of a plain row is labelled with its column's name (`data-label`), so on a phone the rows
// stack as cards with the labels beside the values (app.css) instead of scrolling sideways.
import { cloneElement, isValidElement, toChildArray, type ComponentChildren, type VNode } from 'preact';

export interface Column {
  label: string;
  /** Class of the header cell, e.g. `num` (right-aligned) or `wide` (hidden on phones). */
  class?: string;
  /** Named for screen readers only (a column of buttons). */
  hidden?: boolean;
}

/** A `<tr>` whose `<td>`s carry their column's label; anything else passes through. */
function labelled(row: ComponentChildren, columns: Column[]): ComponentChildren {
  if (!isValidElement(row) || row.type !== 'tr') return row;
  const tr = row as VNode<{ children?: ComponentChildren }>;
  let i = 0;
  const cells = toChildArray(tr.props.children).map((cell) => {
    if (!isValidElement(cell) || cell.type !== 'td') return cell;
    const column = columns[i++];
    return column && !column.hidden ? cloneElement(cell as VNode<Record<string, unknown>>, { 'data-label': column.label }) : cell;
  });
  return cloneElement(tr, {}, ...cells);
}

export function Table(props: { columns: Column[]; class?: string; testId?: string; children: ComponentChildren }) {
  const plain = (props.class ?? 'plain') === 'plain';
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
        <tbody>{plain ? toChildArray(props.children).map((row) => labelled(row, props.columns)) : props.children}</tbody>
      </table>
    </div>
  );
}
