// The timeline above the results: event counts over time for the current search and filters,
// as SVG bars. A bar is a link that zooms into its range (sets From/To); dragging across bars
// selects a range (app.js). When more events match than the timeline counts, the part it did not
// count is marked as such rather than drawn as empty.
import { useContext } from 'preact/hooks';
import type { Timeline } from '../../events/timeline';
import { TIMELINE_CAP } from '../../events/timeline';
import { ZoneContext } from '../components/time';
import { formatInZone, msToWallClock } from '../time-zone';
import { withFilter, type ViewerParams } from './viewer-params';

const W = 960;
const H = 64;

export function TimelineChart(props: { t: Timeline; base: string; params: ViewerParams }) {
  const { t } = props;
  const zone = useContext(ZoneContext).zone;
  const max = Math.max(1, ...t.counts);
  const bw = W / t.counts.length;
  const wall = (ms: number) => msToWallClock(ms, zone);
  const label = (ms: number) => formatInZone(ms, zone).slice(0, t.step >= 86_400_000 ? 10 : 16);
  const zoom = (start: number, end: number) => withFilter(props.base, props.params, { range: 'custom', from: wall(start), to: wall(end) });
  const summary = t.complete
    ? `${t.total.toLocaleString('en-US')} event${t.total === 1 ? '' : 's'}`
    : `more than ${TIMELINE_CAP.toLocaleString('en-US')} events`;
  const end = t.starts[t.starts.length - 1] + t.step;
  return (
    <section class="timeline" data-testid="timeline" aria-label="Events over time">
      <p class="timeline-meta small">
        <strong data-testid="total-count">{summary}</strong>
        {t.complete ? null : (
          <span class="muted"> · counted from {label(t.countedFrom!)} (the newest {TIMELINE_CAP.toLocaleString('en-US')}); older bars are not counted</span>
        )}
        <span class="muted"> · {describeStep(t.step)} per bar · click a bar or drag across bars to zoom</span>
      </p>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        class="timeline-bars"
        role="img"
        aria-label={`${summary} between ${label(t.starts[0])} and ${label(end)}`}
        data-zoom-base={zoom(t.starts[0], end)}
        data-starts={JSON.stringify([...t.starts, end].map(wall))}
      >
        {t.counts.map((c, i) => {
          const start = t.starts[i];
          const uncounted = !t.complete && t.countedFrom !== null && start + t.step <= t.countedFrom;
          const h = c === 0 ? 0 : Math.max(2, ((H - 2) * c) / max);
          return (
            <a href={zoom(start, start + t.step)} data-bar={i}>
              <title>{`${label(start)} – ${label(start + t.step)}: ${uncounted ? 'not counted' : `${c.toLocaleString('en-US')} event${c === 1 ? '' : 's'}`}`}</title>
              <rect x={i * bw} width={bw} y={0} height={H} class={uncounted ? 'slot uncounted' : 'slot'} />
              {h > 0 ? <rect x={i * bw + 0.5} width={Math.max(1, bw - 1)} y={H - h} height={h} class="bar" /> : null}
            </a>
          );
        })}
      </svg>
      <p class="timeline-axis small muted">
        <span>{label(t.starts[0])}</span>
        <span>{label(end)}</span>
      </p>
    </section>
  );
}

function describeStep(ms: number): string {
  const units: [number, string][] = [
    [365 * 86_400_000, 'year'],
    [30 * 86_400_000, '30 days'],
    [7 * 86_400_000, 'week'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return n === 1 ? `1 ${name}` : `${n} ${name}s`;
    }
  }
  return `${ms} ms`;
}
