// One switch between the browser's own time zone and UTC for every time on every page.
import type { ViewerZone } from '../time-zone';

export function TimeSwitch({ zone, csrf, next }: { zone: ViewerZone; csrf: string; next: string }) {
  const showUtc = zone.zone !== 'UTC';
  // Nothing to switch to until the browser has told its zone (app.js does on the first page).
  if (!showUtc && (!zone.browserZone || zone.browserZone === 'UTC')) return <p class="time-switch muted small" data-testid="time-zone">Times in UTC</p>;
  return (
    <form method="post" action="/preferences/time" class="time-switch small" data-testid="time-zone">
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="next" value={next} />
      <input type="hidden" name="show" value={showUtc ? 'utc' : 'local'} />
      <span class="muted">Times in {zone.zone}</span>{' '}
      <button type="submit" class="link" data-testid="time-switch">
        {showUtc ? 'Show UTC' : `Show ${zone.browserZone}`}
      </button>
    </form>
  );
}
