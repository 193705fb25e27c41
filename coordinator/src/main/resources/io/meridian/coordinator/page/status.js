// Meridian's live status page: polls this coordinator's API (the same documents as `meridian
// status`) and redraws. Plain DOM, no framework, nothing from outside this coordinator. Every value
// is set as text, never as HTML: node addresses and reasons come from the cluster.
'use strict';

const REFRESH_MS = 2000;
let lastOk = 0;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

async function getJson(path) {
  const r = await fetch(path, { cache: 'no-store' });
  // 503 (no leader) and 404 (no spec) carry a JSON body that says why: shown, not thrown.
  const body = await r.json();
  return { status: r.status, body };
}

function setValue(id, text, level) {
  const e = document.getElementById(id);
  e.textContent = text;
  e.className = 'value' + (level ? ' ' + level : '');
}

function nodesOf(cluster) {
  const all = [];
  for (const [region, r] of Object.entries(cluster.regions || {})) {
    for (const n of r.nodes || []) all.push(Object.assign({ regionKey: region }, n));
  }
  return all;
}

// Shards by their primary's slots; replicas under the primary they follow; the rest in "no shard".
function shards(nodes) {
  const primaries = nodes.filter(n => n.role === 'primary' && n.slotCount > 0)
    .sort((a, b) => parseInt(a.slots[0], 10) - parseInt(b.slots[0], 10));
  const rows = [];
  const placed = new Set();
  for (const p of primaries) {
    const name = p.slots.join(',');
    const members = [p].concat(nodes.filter(n => n.role === 'replica' && (n.primary === p.address || n.primary === p.announced)));
    members.forEach(m => placed.add(m.address));
    rows.push({ name, primary: p, members });
  }
  const rest = nodes.filter(n => !placed.has(n.address));
  if (rest.length) rows.push({ name: 'no shard', primary: null, members: rest });
  return rows;
}

function nodeBox(n, shard) {
  const meta = [];
  if (n.role === 'replica' && shard.primary && n.replicationOffset !== null && shard.primary.replicationOffset !== null) {
    meta.push('lag ' + Math.max(0, shard.primary.replicationOffset - n.replicationOffset) + ' B');
  }
  if (n.role === 'replica' && n.masterLastIoSeconds !== null && n.masterLastIoSeconds !== undefined) {
    meta.push('io ' + n.masterLastIoSeconds + ' s');
  }
  if (n.role === 'primary') meta.push(n.slotCount + ' slots');
  if (n.noFailover) meta.push('nofailover');
  if (n.status !== 'healthy') meta.push(n.reason);
  const box = el('div', {
    class: 'node role-' + (n.role || 'unknown') + ' status-' + n.status,
    'data-address': n.address, 'data-role': n.role || '', 'data-region': n.regionKey,
    'data-shard': shard.name, 'data-status': n.status,
    title: n.reason || '',
  }, n.address, ' ', el('b', {}, n.role || 'role unknown'));
  if (n.writesHeld) box.append(' ', el('span', { class: 'held' }, 'writes held'));
  box.append(el('span', { class: 'meta' }, meta.join(' · ')));
  return box;
}

function drawGrid(cluster) {
  const regions = Object.keys(cluster.regions || {});
  const grid = document.getElementById('grid');
  const head = el('tr', {}, el('th', {}, 'shard'), ...regions.map(r => el('th', {}, r)));
  grid.tHead.replaceChildren(head);
  const body = [];
  for (const s of shards(nodesOf(cluster))) {
    const cells = regions.map(r => el('td', {}, ...s.members.filter(m => m.regionKey === r)
      .sort((a, b) => (a.role === 'primary' ? -1 : 0) - (b.role === 'primary' ? -1 : 0))
      .map(m => nodeBox(m, s))));
    body.push(el('tr', { 'data-shard': s.name }, el('td', { class: 'shard' }, s.name), ...cells));
  }
  grid.tBodies[0].replaceChildren(...body);
}

function drawLeader(leader) {
  if (!leader.leader) {
    setValue('leader', 'none', 'bad');
    document.getElementById('leader-detail').textContent = leader.reason || '';
  } else {
    setValue('leader', leader.leader, 'ok');
    document.getElementById('leader-detail').textContent =
      leader.region + ', term ' + leader.term + ', since ' + leader.since;
  }
  setValue('paused', leader.paused ? 'ON: the leader does not act' : 'off', leader.paused ? 'warn' : 'ok');
  // What this coordinator's control loop did last, or why it did nothing.
  const loop = leader.controlLoop;
  if (!loop) {
    setValue('loop', leader.leadershipEnabled ? 'not started' : 'leadership off', 'warn');
    document.getElementById('loop-detail').textContent = '';
  } else {
    const level = loop.summary.startsWith('the cycle failed') ? 'bad'
      : loop.summary === 'not leading' || loop.summary.startsWith('nothing to do') ? 'ok' : 'warn';
    setValue('loop', loop.summary, level);
    document.getElementById('loop-detail').textContent = 'at ' + loop.at + ', took ' + loop.tookMs + ' ms';
  }
  if (leader.cpMembersConfigured === null || leader.cpMembersConfigured === undefined) {
    setValue('cp', 'leadership off', 'warn');
  } else {
    setValue('cp', leader.cpMembers + ' of ' + leader.cpMembersConfigured,
      leader.cpMembers < leader.cpMembersConfigured ? 'warn' : 'ok');
  }
}

function drawCheck(check) {
  const list = document.getElementById('violations');
  if (check.status !== 200) {
    setValue('check', 'no spec', 'warn');
    list.replaceChildren(el('li', {}, check.body.error || 'no spec configured'));
    return;
  }
  const v = check.body.violations || [];
  setValue('check', v.length ? v.length + ' violation(s)' : 'clean', v.length ? 'bad' : 'ok');
  list.replaceChildren(...(v.length ? v.map(x => el('li', {}, el('b', {}, x.rule), ' ', x.subject, ': ', x.message))
    : [el('li', { class: 'clean' }, 'The layout meets every rule of the spec (' + check.body.specNodes + ' nodes).')]));
}

function drawHistory(history) {
  const source = document.getElementById('history-source');
  source.classList.toggle('bad', history.source !== 'cp-group');
  source.replaceChildren(history.source === 'cp-group'
    ? 'the last 50 entries, the same on every coordinator (kept in the CP group)'
    : 'the last 50 entries of ' + history.observedBy + ' only: ' + history.note);
  const entries = (history.entries || []).slice(-50).reverse();
  document.querySelector('#history tbody').replaceChildren(...entries.map(e =>
    el('tr', {}, el('td', {}, e.at), el('td', {}, e.term), el('td', {}, e.by), el('td', {}, e.kind), el('td', {}, e.shard),
      el('td', {}, e.text))));
}

async function refresh() {
  try {
    const [cluster, leader, check, history] = await Promise.all([getJson('/api/v1/cluster'), getJson('/api/v1/leader'),
      getJson('/api/v1/check'), getJson('/api/v1/history')]);
    const c = cluster.body;
    document.getElementById('cluster').textContent = c.cluster;
    document.getElementById('observed').textContent = 'as ' + c.observedBy + ' sees it';
    document.title = 'Meridian: ' + c.cluster;
    const s = c.summary || {};
    setValue('nodes-summary', s.healthy + ' of ' + s.nodes + ' healthy', s.healthy === s.nodes ? 'ok' : 'bad');
    drawLeader(leader.body);
    drawGrid(c);
    drawCheck(check);
    drawHistory(history.body);
    lastOk = Date.now();
    const f = document.getElementById('freshness');
    f.textContent = 'updated ' + new Date(lastOk).toLocaleTimeString();
    f.className = 'freshness';
  } catch (e) {
    const f = document.getElementById('freshness');
    f.textContent = 'this coordinator does not answer (' + e.message + ')' +
      (lastOk ? '; last update ' + new Date(lastOk).toLocaleTimeString() : '');
    f.className = 'freshness lost';
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
