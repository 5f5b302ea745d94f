// A stacked bar chart, one bar per day, rendered on the server as SVG.

function niceMax(n: number): number {
  if (n <= 4) return 4;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 4, 10]) if (n <= m * p) return m * p;
  return n;
}

/** A stacked bar chart, one bar per day. */
export function BarChart(props: { days: string[]; series: { name: string; className: string; values: number[] }[]; label: string; testId: string }) {
  const W = 720, H = 200, left = 44, bottom = 22, top = 8;
  const totals = props.days.map((_, i) => props.series.reduce((s, x) => s + x.values[i], 0));
  const max = niceMax(Math.max(0, ...totals));
  const bw = (W - left) / props.days.length;
  const y = (v: number) => H - bottom - ((H - bottom - top) * v) / max;
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.label} data-testid={props.testId}>
      {[0, 0.5, 1].map((f) => (
        <g>
          <line x1={left} x2={W} y1={y(max * f)} y2={y(max * f)} class="grid" />
          <text x={left - 6} y={y(max * f) + 4} class="axis" text-anchor="end">
            {Math.round(max * f).toLocaleString('en-US')}
          </text>
        </g>
      ))}
      {props.days.map((day, i) => {
        let acc = 0;
        return (
          <g>
            <title>{`${day}: ${props.series.map((s) => `${s.values[i].toLocaleString('en-US')} ${s.name}`).join(', ')}`}</title>
            {props.series.map((s) => {
              const v = s.values[i];
              if (v === 0) return null;
              const y0 = y(acc);
              acc += v;
              const y1 = y(acc);
              return <rect x={left + i * bw + 1} width={Math.max(1, bw - 2)} y={y1} height={Math.max(1, y0 - y1)} class={s.className} />;
            })}
            {(props.days.length - 1 - i) % 7 === 0 ? (
              <text x={left + i * bw + bw / 2} y={H - 6} class="axis" text-anchor="middle">
                {day.slice(5)}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
