// The jrpcx console page: renders the registry readings the server pushes (server-sent events),
// steers nodes and tries calls through the JSON API. No library: everything comes from the jar.
'use strict';

const $ = (id) => document.getElementById(id);
let snapshot = null;

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) e.append(c);
  return e;
}

async function api(path, body) {
  const r = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  let json;
  try { json = await r.json(); } catch (e) { json = { error: r.status + ' ' + r.statusText }; }
  if (!r.ok) throw new Error(json.error || (r.status + ' ' + r.statusText));
  return json;
}

// ---- services and nodes

function render(s) {
  snapshot = s;
  $('registry').textContent = s.registry + ' ' + s.basePath;
  const err = $('registry-error');
  err.hidden = !s.error;
  err.textContent = s.error || '';
  const refused = $('steering-refused');
  refused.hidden = !s.steeringRefused;
  refused.textContent = s.steeringRefused || '';
  $('empty').hidden = s.services.length > 0;

  const box = $('services');
  const names = new Set(s.services.map((x) => x.name));
  for (const t of [...box.children]) if (!names.has(t.dataset.service)) t.remove();
  const tables = new Map([...box.children].map((t) => [t.dataset.service, t]));
  for (const svc of s.services) {
    let table = tables.get(svc.name);
    if (!table) {
      table = el('table', { class: 'service', 'data-service': svc.name },
        el('caption', {}, svc.name),
        el('thead', {}, el('tr', {}, ...['Node', 'Network', 'State', 'Group', 'Weight', 'Geo',
          'calls/s', 'connections/s', 'Steer', ''].map((h) => el('th', {}, h)))),
        el('tbody'));
    }
    placeAt(box, table, s.services.indexOf(svc));
    renderNodes(table.tBodies[0], svc, !!s.steeringRefused);
  }
  renderCallChoices(s);
}

// Puts child at index i of parent, moving nothing that is already in place: a moved element
// loses focus and a click in flight on it, and readings arrive every second.
function placeAt(parent, child, i) {
  if (parent.children[i] !== child) parent.insertBefore(child, parent.children[i] || null);
}

function renderNodes(tbody, svc, refused) {
  const keys = new Set(svc.nodes.map((n) => n.key));
  for (const r of [...tbody.rows]) if (!keys.has(r.dataset.node)) r.remove();
  const rows = new Map([...tbody.rows].map((r) => [r.dataset.node, r]));
  for (const [i, n] of svc.nodes.entries()) {
    let row = rows.get(n.key);
    if (!row) row = newRow(svc.name, n);
    placeAt(tbody, row, i);
    row.classList.toggle('inactive', !n.active);
    row.querySelector('.address').textContent = n.address;
    row.querySelector('.network').textContent = n.network;
    const state = row.querySelector('.state');
    state.textContent = n.active ? (n.state || 'active') : 'inactive';
    state.className = 'state ' + (n.active ? 'state-active' : 'state-inactive');
    row.querySelector('.group').textContent = n.groups.join(', ');
    row.querySelector('.weight').textContent = n.weight + (n.weightSet ? '' : ' (default)');
    row.querySelector('.geo').textContent =
      n.latitude != null && n.longitude != null ? n.latitude + ', ' + n.longitude : '';
    row.querySelector('.calls').textContent = n.calls ?? '';
    row.querySelector('.connections').textContent = n.connections ?? '';
    const toggle = row.querySelector('.toggle');
    toggle.textContent = n.active ? 'Switch inactive' : 'Switch active';
    toggle.dataset.active = String(n.active);
    for (const b of row.querySelectorAll('button, input')) b.disabled = refused || b.dataset.busy === '1';
  }
}

function newRow(service, n) {
  const confirm = el('span', { class: 'confirm' });
  const toggle = el('button', { class: 'toggle', type: 'button' });
  const weight = el('input', { class: 'weight-input', type: 'number', min: 1, max: 1000000, placeholder: 'weight' });
  const setWeight = el('button', { class: 'set-weight', type: 'button' }, 'Set weight');
  const row = el('tr', { class: 'node', 'data-service': service, 'data-node': n.key },
    el('td', { class: 'address' }), el('td', { class: 'network' }), el('td', { class: 'state' }),
    el('td', { class: 'group' }), el('td', { class: 'weight' }), el('td', { class: 'geo' }),
    el('td', { class: 'calls' }), el('td', { class: 'connections' }),
    el('td', {}, toggle, ' ', weight, setWeight), el('td', {}, confirm));
  toggle.addEventListener('click', () =>
    steer(row, confirm, { active: toggle.dataset.active !== 'true' }));
  setWeight.addEventListener('click', () => {
    const w = Number(weight.value);
    if (!Number.isInteger(w) || w < 1) {
      confirm.className = 'confirm failed';
      confirm.textContent = 'give a whole weight of 1 or more';
      return;
    }
    steer(row, confirm, { weight: w });
  });
  return row;
}

async function steer(row, confirm, change) {
  const what = 'active' in change ? (change.active ? 'active' : 'inactive') : 'weight ' + change.weight;
  confirm.className = 'confirm';
  confirm.textContent = 'writing ' + what + '…';
  for (const b of row.querySelectorAll('button, input')) { b.dataset.busy = '1'; b.disabled = true; }
  try {
    const r = await api('/api/steer', { service: row.dataset.service, node: row.dataset.node, ...change });
    confirm.className = 'confirm ok';
    confirm.textContent = what + ': confirmed by the registry';
    confirm.title = r.metadata;
  } catch (e) {
    confirm.className = 'confirm failed';
    confirm.textContent = e.message;
  } finally {
    for (const b of row.querySelectorAll('button, input')) {
      b.dataset.busy = '';
      b.disabled = !!(snapshot && snapshot.steeringRefused);
    }
  }
}

// ---- try a call

function renderCallChoices(s) {
  const services = $('call-service');
  const chosen = services.value;
  const names = s.services.map((x) => x.name);
  if ([...services.options].map((o) => o.value).join('\n') !== names.join('\n')) {
    services.replaceChildren(...names.map((n) => el('option', { value: n }, n)));
    if (names.includes(chosen)) services.value = chosen;
  }
  renderNodeChoices();
}

function renderNodeChoices() {
  const select = $('call-node');
  const chosen = select.value;
  const svc = snapshot && snapshot.services.find((x) => x.name === $('call-service').value);
  const keys = svc ? svc.nodes.map((n) => n.key) : [];
  const have = [...select.options].slice(1).map((o) => o.value);
  if (have.join('\n') !== keys.join('\n')) {
    select.replaceChildren(el('option', { value: '' }, 'any active node'),
      ...keys.map((k) => el('option', { value: k }, k)));
    if (keys.includes(chosen)) select.value = chosen;
  }
}

async function tryCall(ev) {
  ev.preventDefault();
  const button = $('call-submit');
  button.disabled = true;
  $('call-error').hidden = true;
  $('call-result').hidden = true;
  try {
    const r = await api('/api/call', {
      service: $('call-service').value,
      method: $('call-method').value.trim(),
      node: $('call-node').value,
      codec: $('call-codec').value,
      timeoutMs: Number($('call-timeout').value),
      args: $('call-args').value,
    });
    $('call-outcome').textContent = r.ok ? 'Reply' : 'Error: ' + r.error;
    $('call-outcome').className = r.ok ? '' : 'error';
    $('call-answered').textContent = r.node || '(no node)';
    $('call-latency').textContent = r.latencyMs != null ? r.latencyMs.toFixed(2) + ' ms' : '–';
    $('call-reply').textContent = r.ok ? JSON.stringify(r.reply, null, 2) : '';
    const meta = Object.entries(r.metadata || {}).map(([k, v]) => k + '=' + v);
    $('call-meta').textContent = meta.length ? meta.join('\n') : '(none)';
    $('call-result').hidden = false;
  } catch (e) {
    $('call-error').textContent = e.message;
    $('call-error').hidden = false;
  } finally {
    button.disabled = false;
  }
}

// ---- live traffic

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// One small chart: a polyline per series over the window, scaled to the largest value.
function chart(points, series, from, to, unit) {
  const W = 300, H = 70, PAD = 12;
  const box = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none' });
  let max = 0;
  for (const p of points) for (const s of series) if (p[s] != null) max = Math.max(max, p[s]);
  if (max === 0) max = 1;
  const x = (t) => ((t - from) / Math.max(1, to - from)) * W;
  const y = (v) => H - PAD / 2 - (v / max) * (H - PAD);
  for (const s of series) {
    const coords = points.filter((p) => p[s] != null).map((p) => `${x(p.t).toFixed(1)},${y(p[s]).toFixed(1)}`);
    if (coords.length === 1) coords.push(coords[0].replace(/^[^,]+/, (v) => (Number(v) + 2).toFixed(1)));
    box.append(svg('polyline', { class: s.replace('Ms', ''), points: coords.join(' ') }));
  }
  const label = svg('text', { x: 2, y: 9 });
  label.textContent = 'max ' + (Math.round(max * 100) / 100) + ' ' + unit;
  box.append(label);
  return box;
}

function renderTraffic(t) {
  const box = $('traffic');
  const from = t.now - t.windowSeconds * 1000;
  const cards = [];
  for (const [key, n] of Object.entries(t.nodes)) {
    const last = [...n.points].reverse();
    const lat = last.find((p) => p.p50Ms != null);
    const calls = last.find((p) => p.calls != null);
    const latest = el('div', { class: 'latest' },
      lat ? `p50 ${lat.p50Ms.toFixed(2)} ms · p99 ${lat.p99Ms.toFixed(2)} ms` : 'no probe answered yet',
      calls ? ` · ${calls.calls} calls/s` : '');
    const card = el('div', { class: 'traffic-node', 'data-node': key }, el('h3', {}, key), latest);
    if (n.error) card.append(el('div', { class: 'error' }, n.error));
    card.append(chart(n.points, ['p50Ms', 'p99Ms'], from, t.now, 'ms'));
    card.append(chart(n.points, ['calls'], from, t.now, 'calls/s'));
    cards.push(card);
  }
  box.replaceChildren(...cards);
}

async function pollTraffic() {
  try {
    const r = await fetch('/api/traffic');
    if (r.ok) renderTraffic(await r.json());
  } catch (e) {
    // the status line already says when the console is unreachable
  }
}

// ---- live updates

function connect() {
  const status = $('status');
  const events = new EventSource('/api/events');
  events.addEventListener('registry', (m) => render(JSON.parse(m.data)));
  events.onopen = () => { status.textContent = 'live'; status.className = 'status live'; };
  events.onerror = () => { status.textContent = 'reconnecting…'; status.className = 'status down'; };
}

document.addEventListener('DOMContentLoaded', () => {
  $('call-form').addEventListener('submit', tryCall);
  $('call-service').addEventListener('change', renderNodeChoices);
  fetch('/api/services').then((r) => r.json()).then((s) => { if (!snapshot) render(s); });
  connect();
  pollTraffic();
  setInterval(pollTraffic, 5000);
});
