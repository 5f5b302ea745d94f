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
  // The customer viewer may be inside another site's iframe, where the Lax wm_tz is neither
  // sent nor stored: the same zone again in wm_viewer_tz, with the viewer session cookie's
  // attributes (Path=/viewer; SameSite=None; Secure; Partitioned). Browsers store Secure
  // cookies on https and on http://localhost or 127.0.0.1 only; elsewhere the viewer shows UTC.
  if (document.body?.classList.contains('viewer')) {
    const value = `wm_viewer_tz=${encodeURIComponent(zone)}`;
    const mine = document.cookie.split('; ').find((c) => c.startsWith('wm_viewer_tz='));
    if (mine !== value) {
      document.cookie = `${value}; Path=/viewer; Max-Age=31536000; SameSite=None; Secure; Partitioned`;
      // Rendered before any zone was known (a first visit, or a frame): once more, in the zone.
      const stored = document.cookie.split('; ').includes(value);
      if (!current && !mine && stored && zone !== 'UTC') location.reload();
    }
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

// ---- The events viewer -------------------------------------------------------------------

const results = () => document.getElementById('results');
const typing = (el) => el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

// Keys: `/` search, `j`/`k` next/previous row, Enter opens it (a link), Esc leaves the detail or the search box.
document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const active = document.activeElement;
  if (event.key === 'Escape') {
    if (typing(active)) return active.blur();
    if (panelOpen()) return closePanel();
    const back = document.querySelector('.detail a.back');
    if (back) location.href = back.href;
    return;
  }
  if (typing(active)) return;
  if (event.key === '/') {
    const search = document.querySelector('#filters [name=q]');
    if (search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
    return;
  }
  if (event.key !== 'j' && event.key !== 'k') return;
  const links = [...document.querySelectorAll('tr[data-event-id] a.row-link')];
  if (links.length === 0) return;
  event.preventDefault();
  const at = links.indexOf(active);
  const next = at === -1 ? 0 : Math.min(links.length - 1, Math.max(0, at + (event.key === 'j' ? 1 : -1)));
  links[next].focus();
  links[next].closest('tr').scrollIntoView({ block: 'nearest' });
  if (panelOpen()) openInPanel(links[next]);
});

// Back from an event restores the rows that were loaded and the scroll position (pages are
// never cached, so the list is rebuilt from what this tab saw when it left).
const SNAPSHOT = 'wm_results';
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('#results a.row-link') : null;
  if (!link || !results()) return;
  if (panelMode() && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
    event.preventDefault();
    openInPanel(link);
    return;
  }
  try {
    sessionStorage.setItem(SNAPSHOT, JSON.stringify({ url: location.href, html: results().innerHTML, y: scrollY }));
  } catch {}
});
window.addEventListener('pageshow', () => {
  const nav = performance.getEntriesByType('navigation')[0];
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(SNAPSHOT) ?? 'null');
  } catch {}
  if (!saved || !results()) return;
  if (nav && nav.type === 'back_forward' && saved.url === location.href) {
    results().innerHTML = saved.html;
    if (window.htmx) htmx.process(results());
    applyView();
    // After the search box's autofocus (which would scroll to the top).
    document.activeElement?.blur();
    history.scrollRestoration = 'manual';
    requestAnimationFrame(() => scrollTo(0, saved.y));
  }
  sessionStorage.removeItem(SNAPSHOT);
});

// The View menu: optional columns and compact rows, remembered in this browser.
const VIEW = 'wm_view';
function applyView() {
  const box = results();
  if (!box) return;
  let view = {};
  try {
    view = JSON.parse(localStorage.getItem(VIEW) ?? '{}');
  } catch {}
  for (const input of document.querySelectorAll('.view-menu [data-column]')) {
    const col = input.getAttribute('data-column');
    const hidden = (view.hidden ?? []).includes(col);
    input.checked = !hidden;
    box.classList.toggle(`hide-${col}`, hidden);
  }
  const compact = document.querySelector('.view-menu [data-density]');
  if (compact) compact.checked = Boolean(view.compact);
  box.classList.toggle('compact', Boolean(view.compact));
  const panel = document.querySelector('.view-menu [data-panel-mode]');
  if (panel) panel.checked = Boolean(view.panel);
  if (!view.panel && panelOpen()) closePanel();
}
document.addEventListener('change', (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.closest('.view-menu')) return;
  const hidden = [...document.querySelectorAll('.view-menu [data-column]')].filter((i) => !i.checked).map((i) => i.getAttribute('data-column'));
  const compact = document.querySelector('.view-menu [data-density]')?.checked ?? false;
  const panel = document.querySelector('.view-menu [data-panel-mode]')?.checked ?? false;
  try {
    localStorage.setItem(VIEW, JSON.stringify({ hidden, compact, panel }));
  } catch {}
  applyView();
});
applyView();

// On a phone the filters fold behind one button, so results are on the first screen.
if (matchMedia('(max-width: 820px)').matches) {
  const fold = document.querySelector('.filters-fold');
  if (fold && !/\(\d+ set\)/.test(fold.querySelector('summary')?.textContent ?? '')) fold.open = false;
}

// The side panel: with "Open events in a side panel" on, a row opens beside the list; j/k move
// through the rows and the panel follows; Esc (or Close) closes it.
function panelMode() {
  try {
    return Boolean(JSON.parse(localStorage.getItem(VIEW) ?? '{}').panel) && Boolean(document.getElementById('panel'));
  } catch {
    return false;
  }
}
function panelOpen() {
  const panel = document.getElementById('panel');
  return Boolean(panel && !panel.hidden);
}
async function openInPanel(link) {
  const panel = document.getElementById('panel');
  if (!panel) return;
  for (const row of document.querySelectorAll('tr.selected')) row.classList.remove('selected');
  link.closest('tr').classList.add('selected');
  const res = await fetch(link.href, { headers: { 'HX-Request': 'true', 'HX-Request-Type': 'partial' } });
  if (res.status === 401) return (location.href = link.href);
  panel.innerHTML = await res.text();
  panel.hidden = false;
  document.querySelector('.results-and-panel')?.classList.add('with-panel');
  link.focus();
}
function closePanel() {
  const panel = document.getElementById('panel');
  if (!panel) return;
  panel.hidden = true;
  panel.innerHTML = '';
  document.querySelector('.results-and-panel')?.classList.remove('with-panel');
  const selected = document.querySelector('tr.selected a.row-link');
  for (const row of document.querySelectorAll('tr.selected')) row.classList.remove('selected');
  selected?.focus();
}
document.addEventListener('click', (event) => {
  if (event.target instanceof Element && event.target.closest('[data-panel-close]')) closePanel();
});

// The actor filter suggests actors as a name, email or id is typed (a bounded index query on the
// server); the list searches when a value is chosen or committed, not at every keystroke.
let suggestTimer = 0;
document.addEventListener(
  'input',
  (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.suggest) return;
    event.stopPropagation();
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(async () => {
      const list = document.getElementById(input.getAttribute('list'));
      const res = await fetch(`${input.dataset.suggest}?prefix=${encodeURIComponent(input.value)}`, { headers: { 'HX-Request': 'true' } });
      if (res.ok && list) list.innerHTML = await res.text();
    }, 200);
  },
  true,
);

// The timeline: drag across bars to zoom into that range (a click on one bar follows its link).
let drag = null;
document.addEventListener('pointerdown', (event) => {
  const svg = event.target instanceof Element ? event.target.closest('svg.timeline-bars') : null;
  if (!svg || event.button !== 0) return;
  const bar = event.target.closest('[data-bar]');
  if (!bar) return;
  drag = { svg, from: Number(bar.getAttribute('data-bar')), to: Number(bar.getAttribute('data-bar')), moved: false };
});
document.addEventListener('pointermove', (event) => {
  if (!drag) return;
  const bar = document.elementFromPoint(event.clientX, event.clientY)?.closest('svg.timeline-bars [data-bar]');
  if (!bar || bar.ownerSVGElement !== drag.svg) return;
  const i = Number(bar.getAttribute('data-bar'));
  if (i !== drag.to) drag.moved = true;
  drag.to = i;
  const [lo, hi] = [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)];
  for (const slot of drag.svg.querySelectorAll('[data-bar]')) {
    const n = Number(slot.getAttribute('data-bar'));
    slot.querySelector('.slot')?.classList.toggle('selecting', n >= lo && n <= hi);
  }
});
document.addEventListener('pointerup', (event) => {
  if (!drag) return;
  const { svg, from, to, moved } = drag;
  drag = null;
  if (!moved) return; // a click: the bar's own link zooms to it
  event.preventDefault();
  const starts = JSON.parse(svg.getAttribute('data-starts'));
  const url = new URL(svg.getAttribute('data-zoom-base'), location.href);
  url.searchParams.set('from', starts[Math.min(from, to)]);
  url.searchParams.set('to', starts[Math.max(from, to) + 1]);
  location.href = url.pathname + url.search;
});
