// The Audit Events Viewer page: search and filters (all in the URL) above the results.
// One component tree serves the whole page, the results fragment (live search) and
// the next rows (load more): see results.tsx.
import { OPTIONAL_COLUMNS, Results, summaryLine, type ViewerData } from './results';
import { SearchHelp } from './search-help';
import { TimeSwitch } from './time-switch';
import { CUSTOM_RANGE, RANGE_PRESETS } from './viewer-params';

export function EventsPage(d: ViewerData) {
  const base = `/projects/${d.projectId}/events`;
  const p = d.params;
  const custom = p.range === CUSTOM_RANGE;
  const zone = d.zone.zone;
  return (
    <>
      <header class="page-head">
        <h1>Events</h1>
        <p class="sub">Who did what, to what, when and from where.</p>
        <TimeSwitch zone={d.zone} csrf={d.csrf} next={d.selfHref} />
      </header>
      <form
        id="filters"
        class="filters"
        method="get"
        action={base}
        role="search"
        hx-get={base}
        hx-target="#results"
        hx-swap="innerHTML"
        hx-replace-url="true"
        hx-trigger="input delay:150ms, change, submit"
        hx-sync="this:replace"
        hx-include="this"
      >
        <label class="search">
          <span class="visually-hidden">Search events</span>
          <input
            type="search"
            name="q"
            value={p.q}
            placeholder="Search a name, email, action or event id… (try actor:, action:user.*, after:7d, -word)"
            autoComplete="off"
            spellcheck={false}
            autoFocus
            data-testid="search"
          />
        </label>
        <SearchHelp />
        <details class="filters-fold" open data-testid="filters-fold">
        <summary data-testid="filters-toggle">Filters{filterCount(p) > 0 ? ` (${filterCount(p)} set)` : ''}</summary>
        <div class="filter-row">
          <label>
            <span>When</span>
            <select name="range" data-testid="range">
              {RANGE_PRESETS.map((r) => (
                <option value={r.id} selected={r.id === p.range && !custom}>
                  {r.label}
                </option>
              ))}
              <option value={CUSTOM_RANGE} selected={custom}>
                Custom range (From/To)
              </option>
            </select>
          </label>
          <label>
            <span>
              From <span class="zone" data-testid="zone-label">({zone})</span>
            </span>
            <input type="datetime-local" name="from" value={p.from} data-testid="from" />
          </label>
          <label>
            <span>To ({zone})</span>
            <input type="datetime-local" name="to" value={p.to} data-testid="to" />
          </label>
          <Picker name="action" label="Action" all="All actions" values={d.actions} selected={p.action} />
          <label>
            <span>Actor</span>
            <input
              name="actor"
              value={p.actor}
              placeholder="Name, email or id…"
              autoComplete="off"
              list="actor-suggestions"
              data-suggest={`${base}/actors`}
              data-testid="actor"
            />
            <datalist id="actor-suggestions" data-testid="actor-suggestions"></datalist>
          </label>
          <label>
            <span>Target</span>
            <input name="target" value={p.target} placeholder="Target id" autoComplete="off" data-testid="target" />
          </label>
          <Picker name="org" label="Organization" all="All organizations" values={d.organizations} selected={p.org} />
          <label>
            <span>Sort</span>
            <select name="sort" data-testid="sort">
              <option value="">Newest first</option>
              <option value="relevance" selected={p.sort === 'relevance'}>
                Best match
              </option>
            </select>
          </label>
          <noscript>
            <button type="submit">Apply</button>
          </noscript>
          <a class="clear" href={base}>
            Clear
          </a>
        </div>
        </details>
      </form>
      <ViewMenu />
      <p id="live-summary" class="visually-hidden" aria-live="polite" data-testid="live-summary">
        {summaryLine(d)}
      </p>
      <div class="results-and-panel">
        <div id="results">
          <Results {...d} />
        </div>
        <aside id="panel" class="side-panel" aria-label="Event detail" hidden data-testid="side-panel"></aside>
      </div>
    </>
  );
}

const filterCount = (p: ViewerData['params']) => [p.range, p.action, p.actor, p.target, p.org].filter((v) => v !== '').length;

/** A filter picker over the values a project has seen (from the catalog). */
function Picker(props: { name: string; label: string; all: string; values: string[]; selected: string }) {
  return (
    <label>
      <span>{props.label}</span>
      <select name={props.name} data-testid={props.name}>
        <option value="">{props.all}</option>
        {props.values.map((v) => (
          <option value={v} selected={v === props.selected}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Which columns show and how dense the rows are: a choice of this browser (app.js keeps it). */
function ViewMenu() {
  return (
    <details class="view-menu" data-testid="view-menu">
      <summary>View</summary>
      <fieldset>
        <legend>Columns</legend>
        {OPTIONAL_COLUMNS.map((col) => (
          <label>
            <input type="checkbox" data-column={col.id} checked /> {col.label}
          </label>
        ))}
      </fieldset>
      <label>
        <input type="checkbox" data-density="compact" /> Compact rows
      </label>{' '}
      <label>
        <input type="checkbox" data-panel-mode="on" data-testid="panel-mode" /> Open events in a side panel
      </label>
    </details>
  );
}
