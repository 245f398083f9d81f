/* Jobs page: lists the instances of every long-running operation (GET /api/backfill, /api/jobs/aggregate,
   /api/models/{name}/retrain, /api/audit), polls them for their custom status, and terminates or purges an instance
   through the same management API (POST {collection}/{id}/terminate, DELETE {collection}/{id}). Plain JavaScript. */
(function () {
  'use strict';

  const api = document.body.dataset.api || '/api';
  const query = new URLSearchParams(location.search);
  const functionKey = query.get('code') || sessionStorage.getItem('pipeline.functionKey') || '';
  const headers = functionKey ? { 'x-functions-key': functionKey } : {};
  const $ = (id) => document.getElementById(id);
  const models = ['issue-labeler', 'time-to-close'];
  const collections = [
    { kind: 'backfill', label: 'backfill', path: '/backfill' },
    { kind: 'aggregation', label: 'aggregation', path: '/jobs/aggregate' },
    ...models.map((m) => ({ kind: 'retrain', label: 'retrain ' + m, path: '/models/' + encodeURIComponent(m) + '/retrain' })),
    { kind: 'audit', label: 'audit', path: '/audit' },
  ];
  const state = { jobs: [], loaded: 0, errors: [], actions: [], timer: null };
  window.pipelineJobs = state;

  function withKey(url) {
    if (!functionKey) return url;
    return url + (url.includes('?') ? '&' : '?') + 'code=' + encodeURIComponent(functionKey);
  }

  async function listAll(collection, status) {
    const instances = [];
    let token = '';
    for (let page = 0; page < 10; page++) {
      const q = new URLSearchParams({ top: '50' });
      if (status) q.set('runtimeStatus', status);
      if (token) q.set('continuationToken', token);
      const response = await fetch(api + collection.path + '?' + q.toString(), { headers });
      if (!response.ok) throw new Error(collection.label + ' → HTTP ' + response.status);
      const body = await response.json();
      for (const i of body.instances || []) instances.push({ ...i, kind: collection.kind, label: collection.label, path: collection.path });
      token = body.continuationToken || '';
      if (!token) break;
    }
    return instances;
  }

  function progressText(job) {
    const s = job.customStatus;
    if (s === null || s === undefined) return job.runtimeStatus === 'Completed' ? 'done' : '–';
    if (typeof s !== 'object') return String(s);
    const parts = [];
    if (s.stage) parts.push(String(s.stage));
    const done = s.completed ?? s.processed ?? s.done ?? s.filesDone ?? s.filesCompleted;
    const total = s.total ?? s.files ?? s.filesTotal;
    if (typeof done === 'number' && typeof total === 'number' && total > 0) parts.push(done + '/' + total + ' (' + Math.round(100 * done / total) + '%)');
    for (const [k, v] of Object.entries(s)) {
      if (k === 'stage' || parts.length > 6) continue;
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') parts.push(k + ' ' + v);
    }
    return parts.join(' · ') || JSON.stringify(s);
  }

  function progressFraction(job) {
    const s = job.customStatus;
    if (!s || typeof s !== 'object') return job.runtimeStatus === 'Completed' ? 1 : null;
    const done = s.completed ?? s.processed ?? s.done ?? s.filesDone ?? s.filesCompleted;
    const total = s.total ?? s.files ?? s.filesTotal;
    return typeof done === 'number' && typeof total === 'number' && total > 0 ? Math.min(1, done / total) : null;
  }

  async function act(job, action) {
    const url = api + job.path + '/' + encodeURIComponent(job.instanceId) + (action === 'terminate' ? '/terminate?reason=' + encodeURIComponent('terminated from the dashboard') : '');
    const response = await fetch(url, { method: action === 'terminate' ? 'POST' : 'DELETE', headers });
    let detail = '';
    if (!response.ok) { try { detail = (await response.json()).detail || ''; } catch { /* no body */ } }
    state.actions.push({ action, id: job.instanceId, status: response.status });
    $('jobs-message').textContent = action + ' ' + job.instanceId + ': HTTP ' + response.status + (detail ? ' · ' + detail : '');
    await load();
  }

  function button(text, cls, onClick, disabled) {
    const b = document.createElement('button');
    b.type = 'button'; b.textContent = text; b.className = cls; b.disabled = !!disabled;
    b.addEventListener('click', onClick);
    return b;
  }

  function render() {
    const body = $('jobs-table').querySelector('tbody');
    body.innerHTML = '';
    for (const job of state.jobs) {
      const tr = document.createElement('tr');
      tr.dataset.instanceId = job.instanceId;
      tr.dataset.kind = job.kind;
      tr.dataset.status = job.runtimeStatus;
      const running = job.runtimeStatus === 'Running' || job.runtimeStatus === 'Pending' || job.runtimeStatus === 'Suspended';
      const cells = [job.label, job.instanceId, job.runtimeStatus, null, String(job.createdTime).replace('T', ' ').slice(0, 19), String(job.lastUpdatedTime).replace('T', ' ').slice(0, 19)];
      cells.forEach((c, i) => {
        const td = document.createElement('td');
        if (i === 2) td.className = 'job-status ' + String(job.runtimeStatus).toLowerCase();
        if (i === 3) {
          td.className = 'job-progress';
          const f = progressFraction(job);
          if (f !== null) {
            const bar = document.createElement('progress');
            bar.max = 1; bar.value = f;
            td.appendChild(bar);
          }
          const span = document.createElement('span');
          span.textContent = ' ' + progressText(job);
          if (job.runtimeStatus === 'Failed' || job.runtimeStatus === 'Terminated') span.title = typeof job.output === 'string' ? job.output : JSON.stringify(job.output);
          td.appendChild(span);
        } else {
          td.textContent = c;
        }
        tr.appendChild(td);
      });
      const actions = document.createElement('td');
      actions.appendChild(button('terminate', 'job-terminate', () => act(job, 'terminate'), !running));
      actions.appendChild(button('purge', 'job-purge', () => act(job, 'purge'), running));
      const status = document.createElement('a');
      status.href = withKey(api + job.path + '/' + encodeURIComponent(job.instanceId));
      status.textContent = 'status';
      status.className = 'job-link';
      actions.appendChild(status);
      tr.appendChild(actions);
      body.appendChild(tr);
    }
    $('jobs-empty').hidden = state.jobs.length > 0;
  }

  async function load() {
    const kind = $('j-kind').value;
    const status = $('j-status').value;
    const chosen = collections.filter((c) => !kind || c.kind === kind);
    const results = await Promise.allSettled(chosen.map((c) => listAll(c, status)));
    const errors = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
    state.jobs = results.filter((r) => r.status === 'fulfilled').flatMap((r) => r.value)
      .sort((a, b) => String(b.createdTime).localeCompare(String(a.createdTime)));
    state.errors = errors;
    render();
    state.loaded++;
    $('jobs-dot').className = 'dot ' + (errors.length ? 'error' : 'live');
    $('jobs-updated').textContent = (errors.length ? errors.join('; ') + ' · ' : '') + state.jobs.length + ' jobs · ' + new Date().toLocaleTimeString();
  }

  function writeUrl() {
    const q = new URLSearchParams(location.search);
    for (const [key, id] of [['kind', 'j-kind'], ['runtimeStatus', 'j-status'], ['poll', 'j-poll']]) {
      if ($(id).value && !(key === 'poll' && $(id).value === '2')) q.set(key, $(id).value); else q.delete(key);
    }
    const search = q.toString();
    history.replaceState(history.state, '', location.pathname + (search ? '?' + search : '') + location.hash);
  }

  function schedule() {
    if (state.timer) clearInterval(state.timer);
    const seconds = Number($('j-poll').value);
    if (seconds > 0) state.timer = setInterval(load, seconds * 1000);
  }

  for (const [key, id] of [['kind', 'j-kind'], ['runtimeStatus', 'j-status'], ['poll', 'j-poll']]) {
    const v = query.get(key);
    if (v !== null && [...$(id).options].some((o) => o.value === v)) $(id).value = v;
  }
  $('j-kind').addEventListener('change', () => { writeUrl(); load(); });
  $('j-status').addEventListener('change', () => { writeUrl(); load(); });
  $('j-poll').addEventListener('change', () => { writeUrl(); schedule(); });
  load().then(schedule);
})();
