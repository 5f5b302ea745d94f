// The events page's Export button: exports exactly the search and filters on screen (the whole
// project when no organization is chosen), in the format picked.
import type { ViewerParams } from '../events/viewer-params';

export function ExportButton({ projectId, params, csrf }: { projectId: string; params: ViewerParams; csrf: string }) {
  return (
    <form method="post" action={`/projects/${projectId}/exports`} class="export-form" data-testid="export-form">
      <input type="hidden" name="_csrf" value={csrf} />
      {(['q', 'range', 'from', 'to', 'action', 'actor', 'target', 'org'] as const).map((k) => (params[k] ? <input type="hidden" name={k} value={params[k]} /> : null))}
      <select name="format" aria-label="Export format" data-testid="export-format">
        <option value="csv">CSV</option>
        <option value="ndjson">NDJSON</option>
      </select>
      <button type="submit" class="secondary" data-testid="export">
        Export
      </button>
    </form>
  );
}
