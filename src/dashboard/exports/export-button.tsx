// The events page's Export button: exports exactly the search and filters on screen (the whole
// project when no organization is chosen), in the format picked. In the customer viewer the
// organization is the session's (the server never reads one from this form).
import type { ViewerParams } from '../events/viewer-params';

const TEAM_FIELDS = ['q', 'range', 'from', 'to', 'action', 'actor', 'target', 'org'] as const;
const VIEWER_FIELDS = ['q', 'range', 'from', 'to', 'action', 'actor', 'target'] as const;

export function ExportButton({ action, params, csrf, fixedOrganization = false }: { action: string; params: ViewerParams; csrf: string; fixedOrganization?: boolean }) {
  return (
    <form method="post" action={action} class="export-form" data-testid="export-form">
      <input type="hidden" name="_csrf" value={csrf} />
      {(fixedOrganization ? VIEWER_FIELDS : TEAM_FIELDS).map((k) => (params[k] ? <input type="hidden" name={k} value={params[k]} /> : null))}
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
