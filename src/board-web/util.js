// Small helpers shared by the views: escaping, formatting, the API, lazy vendor scripts.

const token = document.querySelector('meta[name="specloop-token"]')?.content ?? '';

/** HTML-escape a value for interpolation into markup. */
export function esc(v) {
  return String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

export function ago(iso, now = Date.now()) {
  if (!iso) return '';
  return duration((now - Date.parse(iso)) / 1000);
}

export function duration(s) {
  s = Math.max(0, Math.round(s));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** A short run time: "340 ms", "1.6 s", "2 min". */
export function ms(v) {
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 90_000) return `${(v / 1000).toFixed(1)} s`;
  return duration(v / 1000);
}

export function usd(x) {
  if (x === undefined || x === null) return '';
  if (x === 0) return '$0';
  return x < 0.01 ? '<$0.01' : `$${x.toFixed(2)}`;
}

export function tokens(t) {
  if (!t) return '';
  const k = (n) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n));
  return `${k(t.input)} in / ${k(t.output)} out`;
}

export async function getJson(path) {
  const r = await fetch(path, { headers: { 'x-specloop-token': token } });
  if (!r.ok) throw new Error((await r.json().catch(() => ({}))).error ?? `${path}: HTTP ${r.status}`);
  return r.json();
}

/** Run a board action (the CLI's code path on the server); returns {message} or throws with the server's error. */
export async function act(name, body = {}) {
  const r = await fetch(`/api/actions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-specloop-token': token },
    body: JSON.stringify(body),
  });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error([j.error, j.hint].filter(Boolean).join(' — ') || `HTTP ${r.status}`);
  return j;
}

const loaded = new Map();
/** Load a vendor script once (classic script: the libraries attach to window). */
export function loadScript(src) {
  if (!loaded.has(src))
    loaded.set(
      src,
      new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = src;
        s.onload = resolve;
        s.onerror = () => reject(new Error(`could not load ${src}`));
        document.head.append(s);
      }),
    );
  return loaded.get(src);
}

export function loadCss(href) {
  if (document.querySelector(`link[href="${href}"]`)) return;
  const l = document.createElement('link');
  l.rel = 'stylesheet';
  l.href = href;
  document.head.append(l);
}

export const COLUMN_LABELS = {
  blocked: 'Blocked',
  ready: 'Ready',
  running: 'Claimed · Running',
  review: 'Review',
  landed: 'Landed',
  failed: 'Failed',
};
