// Waymark dashboard behaviour that HTML alone cannot do: copy buttons.
// (CSP allows scripts from this origin only: no inline handlers anywhere.)
document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
  if (!button) return;
  const text = button.getAttribute('data-copy') ?? '';
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  const label = button.textContent;
  button.textContent = 'Copied';
  button.classList.add('copied');
  setTimeout(() => {
    button.textContent = label;
    button.classList.remove('copied');
  }, 1500);
});

// The browser's time zone, for the server to show times in it and read From/To in it
// (a display preference, not a secret: a plain cookie). Set on every page, the sign-in page
// included, so the first dashboard page already has it.
(() => {
  let zone = 'UTC';
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {}
  const current = document.cookie.split('; ').find((c) => c.startsWith('wm_tz='));
  if (current !== `wm_tz=${encodeURIComponent(zone)}`) {
    const secure = location.protocol === 'https:' ? '; Secure' : '';
    document.cookie = `wm_tz=${encodeURIComponent(zone)}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
    // A page rendered before the zone was known shows UTC: render it again once, in the zone.
    if (!current && document.querySelector('[data-testid=time-zone]')) location.reload();
  }
})();

// Relative hints ("3 minutes ago") stay current while a page stays open.
const UNITS = [
  [60, 'second'],
  [60, 'minute'],
  [24, 'hour'],
  [30, 'day'],
  [12, 'month'],
  [Infinity, 'year'],
];
function relative(ms, now) {
  let delta = Math.round((now - ms) / 1000);
  const future = delta < 0;
  delta = Math.abs(delta);
  if (delta < 10) return future ? 'in a moment' : 'just now';
  for (const [size, unit] of UNITS) {
    if (delta < size) {
      const n = Math.floor(delta);
      const label = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return future ? `in ${label}` : `${label} ago`;
    }
    delta /= size;
  }
  return new Date(ms).toISOString();
}
setInterval(() => {
  const now = Date.now();
  for (const el of document.querySelectorAll('[data-rel]')) {
    const text = relative(Number(el.getAttribute('data-rel')), now);
    if (el.textContent !== text) el.textContent = text;
  }
}, 30_000);

// "When" is one control: choosing a preset empties From/To, typing a date selects "Custom range".
// (Capture phase: this runs before htmx sends the form.)
document.addEventListener(
  'change',
  (event) => {
    const el = event.target;
    if (!(el instanceof HTMLElement) || !el.closest('#filters')) return;
    const form = el.closest('form');
    const range = form.querySelector('[name=range]');
    if (el.getAttribute('name') === 'range' && range.value !== 'custom') {
      for (const input of form.querySelectorAll('[name=from], [name=to]')) input.value = '';
    } else if ((el.getAttribute('name') === 'from' || el.getAttribute('name') === 'to') && el.value !== '') {
      range.value = 'custom';
    }
  },
  true,
);
