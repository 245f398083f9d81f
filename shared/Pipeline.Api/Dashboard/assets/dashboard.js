/* Pipeline trends dashboard: plain JavaScript over the JSON API, charts by Apache ECharts (bundled, no CDN). */
(function () {
  'use strict';

  const api = document.body.dataset.api || '/api';
  // In Azure some routes need a function key: open the page as /dashboard?code=<key> once; it is kept for this tab.
  const functionKey = new URLSearchParams(location.search).get('code') || sessionStorage.getItem('pipeline.functionKey') || '';
  if (functionKey) sessionStorage.setItem('pipeline.functionKey', functionKey);
  const keyHeaders = functionKey ? { 'x-functions-key': functionKey } : {};
  const palette = ['#2f6fec', '#9aa7c2', '#c9d1e3', '#e0e5ef'];
  const languageColors = ['#2f6fec', '#e8684a', '#36b37e', '#f2a51a', '#8e6bd8', '#13a8c2', '#d14d8b', '#6b7385'];
  const state = {
    charts: {},
    refreshes: 0,
    lastRefresh: null,
    timer: null,
    data: {},
    errors: [],
  };
  window.pipelineDashboard = state;

  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);

  // ---------- helpers ----------
  function iso(d) { return d.toISOString().slice(0, 10); }
  function fmt(n, digits) {
    if (n === null || n === undefined || Number.isNaN(n)) return '–';
    return Number(n).toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 0 : digits });
  }
  function ago(isoText) {
    if (!isoText) return '–';
    const s = Math.round((Date.now() - new Date(isoText).getTime()) / 1000);
    if (Number.isNaN(s)) return isoText;
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    if (s < 86400) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' d ago';
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== null && v !== undefined) e.setAttribute(k, v); });
    children.flat().forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return e;
  }

  /** GET JSON; resolves to {ok, status, body}. Never throws, so optional endpoints degrade quietly. */
  async function getJson(path) {
    try {
      const res = await fetch(path, { headers: { Accept: 'application/json', ...keyHeaders }, cache: 'no-store' });
      let body = null;
      const text = await res.text();
      if (text) { try { body = JSON.parse(text); } catch (e) { body = null; } }
      return { ok: res.ok, status: res.status, body };
    } catch (e) {
      return { ok: false, status: 0, body: null };
    }
  }

  function chart(name) {
    if (!state.charts[name]) {
      const node = document.querySelector('[data-chart="' + name + '"]');
      state.charts[name] = echarts.init(node, null, { renderer: 'canvas' });
    }
    return state.charts[name];
  }

  // Animations off with ?animate=0 (screenshots and tests see final frames).
  const animate = params.get('animate') !== '0';
  function draw(name, option) {
    option.animation = animate;
    chart(name).setOption(option, true);
  }

  function empty(name, message) {
    draw(name, { title: { text: message, left: 'center', top: 'middle', textStyle: { color: '#6b7385', fontSize: 13, fontWeight: 400 } },
      xAxis: { show: false }, yAxis: { show: false }, series: [] });
  }

  // ---------- filters ----------
  function windowDates() {
    const period = $('f-period').value;
    const today = new Date();
    const to = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
    let from;
    if (period === '12m') { from = new Date(to); from.setUTCFullYear(from.getUTCFullYear() - 1); from.setUTCDate(from.getUTCDate() + 1); }
    else if (period === '90d') { from = new Date(to); from.setUTCDate(from.getUTCDate() - 89); }
    else if (period === 'lastyear') { from = new Date(Date.UTC(to.getUTCFullYear() - 1, 0, 1)); return { from: iso(from), to: iso(new Date(Date.UTC(to.getUTCFullYear() - 1, 11, 31))) }; }
    else if (period === 'custom') { return { from: $('f-from').value || iso(new Date(Date.UTC(to.getUTCFullYear(), 0, 1))), to: $('f-to').value || iso(to) }; }
    else { from = new Date(Date.UTC(to.getUTCFullYear(), 0, 1)); }
    return { from: iso(from), to: iso(to) };
  }

  function query(extra) {
    const w = windowDates();
    const q = new URLSearchParams({ from: w.from, to: w.to, compareYears: $('f-compare').value });
    if ($('f-repo').value) q.set('repo', $('f-repo').value);
    if ($('f-language').value) q.set('language', $('f-language').value);
    Object.entries(extra || {}).forEach(([k, v]) => q.set(k, v));
    return q.toString();
  }

  async function loadDimensions() {
    const res = await getJson(api + '/trends/dimensions');
    if (!res.ok || !res.body) return;
    const repoSelect = $('f-repo');
    const langSelect = $('f-language');
    const keepRepo = repoSelect.value || params.get('repo') || '';
    const keepLang = langSelect.value || params.get('language') || '';
    repoSelect.length = 1;
    langSelect.length = 1;
    (res.body.repositories || []).forEach((r) => repoSelect.append(el('option', { value: r.repo }, r.repo + (r.language ? ' · ' + r.language : ''))));
    (res.body.languages || []).forEach((l) => langSelect.append(el('option', { value: l }, l)));
    repoSelect.value = keepRepo;
    langSelect.value = keepLang;
  }

  // ---------- charts ----------
  function overlaySeries(resp, valueOf, lineStyleOf) {
    const series = (resp.series || []).slice().sort((a, b) => a.yearsBack - b.yearsBack);
    const current = series.find((s) => s.yearsBack === 0);
    const labels = current ? current.points.map((p) => p.label) : [];
    return {
      labels,
      series: series.map((s, i) => ({
        name: s.name,
        type: 'line',
        smooth: true,
        showSymbol: false,
        z: 10 - s.yearsBack,
        lineStyle: Object.assign({ width: s.yearsBack === 0 ? 3 : 1.6, type: s.yearsBack === 0 ? 'solid' : 'dashed' }, lineStyleOf ? lineStyleOf(s) : {}),
        color: palette[Math.min(i, palette.length - 1)],
        areaStyle: s.yearsBack === 0 ? { opacity: 0.08 } : undefined,
        data: s.points.map((p) => [p.index, valueOf(p)]),
        periods: s.points.map((p) => p.period),
      })),
    };
  }

  function renderOverlay(name, resp, unit, valueOf) {
    if (!resp || !resp.series || resp.series.length === 0 || resp.series.every((s) => s.points.length === 0)) { empty(name, 'No data yet'); return; }
    const o = overlaySeries(resp, valueOf || ((p) => p.value));
    draw(name, {
      color: palette,
      grid: { left: 48, right: 16, top: 34, bottom: 28 },
      legend: { top: 0, right: 0, data: o.series.map((s) => s.name) },
      tooltip: {
        trigger: 'axis',
        formatter: (items) => {
          if (!items.length) return '';
          const idx = items[0].data[0];
          return '<b>' + (o.labels[idx] || '') + '</b><br>' + items.map((it) => {
            const period = o.series[it.seriesIndex].periods[idx] || '';
            return it.marker + it.seriesName + ' (' + period + '): <b>' + fmt(it.data[1], 1) + '</b> ' + unit;
          }).join('<br>');
        },
      },
      xAxis: { type: 'value', min: 0, max: Math.max(0, o.labels.length - 1), interval: Math.max(1, Math.ceil(o.labels.length / 12)),
        axisLabel: { formatter: (v) => o.labels[v] || '' } },
      yAxis: { type: 'value', name: unit, nameTextStyle: { align: 'left' } },
      series: o.series,
    });
  }

  function renderActivityKpis(resp) {
    const box = $('activity-kpis');
    box.replaceChildren();
    const series = (resp && resp.series) || [];
    const cur = series.find((s) => s.yearsBack === 0);
    const prev = series.find((s) => s.yearsBack === 1);
    if (!cur) return;
    box.append(el('div', { class: 'kpi' }, el('b', {}, fmt(cur.total)), 'events ' + cur.from + ' → ' + cur.to));
    if (prev) {
      const change = prev.total ? (cur.total - prev.total) * 100 / prev.total : null;
      const cls = change === null ? '' : change >= 0 ? 'up' : 'down';
      box.append(el('div', { class: 'kpi' }, el('b', { class: cls }, change === null ? '–' : (change >= 0 ? '+' : '') + fmt(change, 1) + ' %'), 'vs same period ' + prev.name));
    }
    series.filter((s) => s.yearsBack >= 1).forEach((s) => box.append(el('div', { class: 'kpi' }, el('b', {}, fmt(s.total)), 'events in ' + s.name)));
  }

  function renderLanguages(resp) {
    const current = (resp.series || []).filter((s) => s.yearsBack === 0);
    if (current.length === 0 || current.every((s) => s.total === 0)) { empty('languages', 'No language data in this period'); empty('languagesYoY', 'No language data'); return; }
    const labels = current[0].points.map((p) => p.label + ' ' + p.period.slice(0, 4));
    draw('languages', {
      color: languageColors,
      grid: { left: 48, right: 16, top: 34, bottom: 28 },
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value' },
      series: current.map((s) => ({ name: s.name, type: 'line', smooth: true, showSymbol: false, data: s.points.map((p) => p.value) })),
    });
    const years = Array.from(new Set((resp.series || []).map((s) => s.yearsBack))).sort((a, b) => b - a);
    const languages = current.map((s) => s.name);
    draw('languagesYoY', {
      color: palette.slice().reverse(),
      grid: { left: 48, right: 16, top: 34, bottom: 40 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: languages, axisLabel: { interval: 0, rotate: languages.length > 5 ? 25 : 0 } },
      yAxis: { type: 'value' },
      series: years.map((k) => {
        const any = (resp.series || []).find((s) => s.yearsBack === k);
        return { name: any ? String(any.year) : String(k), type: 'bar',
          data: languages.map((l) => { const s = resp.series.find((x) => x.name === l && x.yearsBack === k); return s ? s.total : 0; }) };
      }),
    });
  }

  function renderGrowing(resp) {
    const items = (resp && resp.items) || [];
    if (items.length === 0) { empty('growing', 'No repository activity in this period'); return; }
    const rows = items.slice().reverse();
    draw('growing', {
      grid: { left: 170, right: 40, top: 10, bottom: 24 },
      tooltip: {
        trigger: 'axis', axisPointer: { type: 'shadow' },
        formatter: (p) => {
          const it = rows[p[0].dataIndex];
          return '<b>' + it.repo + '</b>' + (it.language ? ' · ' + it.language : '') + '<br>stars: ' + fmt(it.stars) + ' (a year earlier ' + fmt(it.starsPrevYear) + ')'
            + (it.starGrowthPct === null ? '' : '<br>growth: ' + fmt(it.starGrowthPct, 1) + ' %') + '<br>events: ' + fmt(it.events) + ' (a year earlier ' + fmt(it.eventsPrevYear) + ')';
        },
      },
      xAxis: { type: 'value', name: 'Δ stars' },
      yAxis: { type: 'category', data: rows.map((r) => r.repo), axisLabel: { width: 160, overflow: 'truncate' } },
      series: [{ type: 'bar', name: 'new stars vs a year earlier', data: rows.map((r) => ({ value: r.starDelta, itemStyle: { color: r.starDelta >= 0 ? '#36b37e' : '#d64545' } })),
        label: { show: true, position: 'right', formatter: (p) => { const it = rows[p.dataIndex]; return it.starGrowthPct === null ? 'new' : (it.starGrowthPct >= 0 ? '+' : '') + fmt(it.starGrowthPct, 0) + '%'; } } }],
    });
  }

  function renderTimeToClose(resp) {
    if (!resp || !resp.series || resp.series.every((s) => s.total === 0)) { empty('timeToClose', 'Nothing closed in this period'); return; }
    const o = overlaySeries(resp, (p) => p.values ? p.values.median_hours : p.value);
    const cur = (resp.series || []).find((s) => s.yearsBack === 0);
    const extra = cur ? ['p85_hours', 'p95_hours'].map((k, i) => ({
      name: 'p' + k.slice(1, 3) + ' ' + cur.name, type: 'line', smooth: true, showSymbol: false, color: ['#f2a51a', '#d64545'][i],
      lineStyle: { width: 1.4, type: 'dotted' }, data: cur.points.map((p) => [p.index, p.values ? p.values[k] : 0]),
    })) : [];
    o.series.forEach((s) => { s.name = 'median ' + s.name; });
    draw('timeToClose', {
      color: palette,
      grid: { left: 48, right: 16, top: 34, bottom: 28 },
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmt(v, 1) + ' h' },
      xAxis: { type: 'value', min: 0, max: Math.max(0, o.labels.length - 1), interval: 1, axisLabel: { formatter: (v) => o.labels[v] || '' } },
      yAxis: { type: 'value' },
      series: o.series.concat(extra),
    });
  }

  // ---------- ingestion, runs, models ----------
  async function renderIngestion() {
    const [status, health] = await Promise.all([getJson(api + '/ingestion/status'), getJson(api + '/health')]);
    const tiles = $('ingestion-tiles');
    const note = $('ingestion-note');
    tiles.replaceChildren();
    const s = status.ok && status.body ? status.body : null;
    const tile = (label, value, level) => tiles.append(el('div', { class: 'tile ' + (level || ''), 'data-tile': label }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value)));
    tile('Events / s', s ? fmt(s.eventsPerSecond, 2) : '–');
    tile('Consumer lag', s ? fmt(s.consumerLag) : '–', s && s.consumerLag > 10000 ? 'warn' : '');
    tile('DLQ size', s ? fmt(s.dlqCount) : '–', s && s.dlqCount > 0 ? 'bad' : '');
    tile('Last poll', s ? ago(s.lastPollAt) : '–');
    tile('Last event', s ? ago(s.lastEventAt) : '–');
    const deps = $('health-deps');
    deps.replaceChildren();
    if (health.body && health.body.dependencies) {
      deps.append(el('li', { class: health.body.status === 'Healthy' || health.body.status === 'healthy' ? 'ok' : 'bad' }, 'overall: ' + health.body.status));
      Object.entries(health.body.dependencies).forEach(([name, d]) => {
        const st = (d && d.status) || 'unknown';
        const cls = /healthy|ok|up/i.test(st) && !/unhealthy/i.test(st) ? 'ok' : /degraded/i.test(st) ? 'warn' : 'bad';
        deps.append(el('li', { class: cls, title: (d && d.detail) || '' }, name + ': ' + st));
      });
    }
    const missing = [];
    if (!s) missing.push('ingestion status (/api/ingestion/status)');
    if (!health.body) missing.push('health (/api/health)');
    note.hidden = missing.length === 0;
    note.textContent = missing.length ? 'Not available from this host: ' + missing.join(', ') + '.' : '';
  }

  async function renderRuns() {
    const res = await getJson(api + '/jobs/runs?limit=15');
    const body = $('runs-table').querySelector('tbody');
    body.replaceChildren();
    const runs = (res.ok && res.body && res.body.runs) || [];
    if (runs.length === 0) {
      body.append(el('tr', {}, el('td', { colspan: 8, class: 'empty' }, res.ok ? 'No aggregation run yet' : 'Run log unavailable')));
      return;
    }
    const engines = new Set();
    runs.forEach((r) => {
      engines.add(r.engine);
      const failed = (r.jobs || []).filter((j) => j.status !== 'succeeded');
      const detail = r.error || (r.jobs ? r.jobs.length + ' jobs' + (r.full ? ', full' : ', incremental') : '');
      body.append(el('tr', { 'data-status': r.status },
        el('td', { title: r.started_at }, new Date(r.started_at).toLocaleString()),
        el('td', {}, r.trigger || ''),
        el('td', {}, r.engine || ''),
        el('td', {}, el('span', { class: 'badge ' + (r.status === 'succeeded' ? 'ok' : r.status === 'running' ? 'running' : 'failed') }, r.status)),
        el('td', {}, r.duration_ms !== undefined ? fmt(r.duration_ms / 1000, 1) + ' s' : '…'),
        el('td', {}, fmt(r.rows)),
        el('td', {}, r.touched_days !== undefined ? fmt(r.touched_days) : '–'),
        el('td', { class: failed.length || r.error ? 'error' : '' }, detail)));
    });
    $('engine-name').textContent = Array.from(engines).join(', ');
  }

  async function renderModels() {
    const res = await getJson(api + '/models');
    const panel = $('panel-models');
    if (res.status === 404 || res.status === 0 || !res.ok || !res.body) { panel.hidden = true; return; }
    panel.hidden = false;
    const list = Array.isArray(res.body) ? res.body : (res.body.models || res.body.versions || res.body.items || [res.body]);
    const box = $('models-body');
    box.replaceChildren();
    if (!list.length) { box.append(el('p', { class: 'note' }, 'No model registered yet.')); return; }
    const table = el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Model'), el('th', {}, 'Version'), el('th', {}, 'Stage'), el('th', {}, 'Metrics'), el('th', {}, 'Created'))));
    const tbody = el('tbody');
    list.slice(0, 20).forEach((m) => {
      const metrics = m.metrics && typeof m.metrics === 'object'
        ? Object.entries(m.metrics).filter(([, v]) => typeof v === 'number').map(([k, v]) => k + ' ' + fmt(v, 3)).join(', ') : '';
      tbody.append(el('tr', {}, el('td', {}, m.name || m.model || m.id || ''), el('td', {}, m.version !== undefined ? m.version : ''),
        el('td', {}, m.stage || m.status || (m.champion ? 'champion' : '')), el('td', {}, metrics), el('td', {}, m.createdAt || m.created_at || '')));
    });
    table.append(tbody);
    box.append(table);
  }

  async function runNow() {
    const button = $('run-now');
    const status = $('run-now-status');
    button.disabled = true;
    status.hidden = false;
    status.textContent = 'Starting aggregation…';
    try {
      const res = await fetch(api + '/jobs/aggregate', { method: 'POST', headers: keyHeaders });
      const body = await res.json();
      if (res.status !== 202) { status.textContent = 'Could not start: ' + (body.detail || res.status); return; }
      status.textContent = 'Run ' + body.id + ' started.';
      for (let i = 0; i < 120; i++) {
        await new Promise((r) => setTimeout(r, 1500));
        const st = await getJson(body.statusQueryGetUri);
        if (st.body) status.textContent = 'Run ' + body.id + ': ' + st.body.runtimeStatus;
        if (st.body && ['Completed', 'Failed', 'Terminated'].includes(st.body.runtimeStatus)) break;
      }
      await refresh();
    } catch (e) {
      status.textContent = 'Could not start the aggregation.';
    } finally {
      button.disabled = false;
    }
  }

  // ---------- refresh loop ----------
  async function refresh() {
    const dot = $('live-dot');
    const kind = $('f-kind').value;
    const measure = $('f-measure').value;
    const [activity, stars, languages, ttc, growing, contributors] = await Promise.all([
      getJson(api + '/trends/activity?' + query()),
      getJson(api + '/trends/stars?' + query()),
      getJson(api + '/trends/languages?' + query({ measure })),
      getJson(api + '/trends/time-to-close?' + query({ kind })),
      getJson(api + '/trends/top-growing?' + query({ limit: 10 })),
      getJson(api + '/trends/contributors?' + query()),
    ]);
    state.data = { activity: activity.body, stars: stars.body, languages: languages.body, timeToClose: ttc.body, growing: growing.body, contributors: contributors.body };
    const failed = [activity, stars, languages, ttc, growing, contributors].filter((r) => !r.ok);
    state.errors = failed.map((r) => (r.body && r.body.detail) || ('HTTP ' + r.status));
    if (activity.ok) { renderOverlay('activity', activity.body, 'events'); renderActivityKpis(activity.body); } else { empty('activity', state.errors[0] || 'Unavailable'); }
    if (stars.ok) renderOverlay('stars', stars.body, 'stars'); else empty('stars', 'Unavailable');
    if (languages.ok) renderLanguages(languages.body); else { empty('languages', 'Unavailable'); empty('languagesYoY', 'Unavailable'); }
    if (ttc.ok) renderTimeToClose(ttc.body); else empty('timeToClose', 'Unavailable');
    if (growing.ok) renderGrowing(growing.body); else empty('growing', 'Unavailable');
    if (contributors.ok) renderOverlay('contributors', contributors.body, 'people'); else empty('contributors', 'Unavailable');
    await Promise.all([renderIngestion(), renderRuns(), renderModels()]);
    state.refreshes += 1;
    state.lastRefresh = new Date().toISOString();
    document.body.dataset.refreshes = String(state.refreshes);
    $('last-updated').textContent = (failed.length ? 'partly unavailable · ' : '') + 'updated ' + new Date().toLocaleTimeString();
    dot.className = 'dot ' + (failed.length ? 'error' : 'live');
  }

  function schedule() {
    if (state.timer) clearInterval(state.timer);
    const seconds = Number($('f-refresh').value);
    if (seconds > 0) state.timer = setInterval(refresh, seconds * 1000);
  }

  function init() {
    // Filters may come from the URL (?repo=&language=&period=&compareYears=&refresh=) so views can be linked.
    if (params.get('period')) $('f-period').value = params.get('period');
    if (params.get('compareYears')) $('f-compare').value = params.get('compareYears');
    if (params.get('refresh')) {
      const v = params.get('refresh');
      if (![...$('f-refresh').options].some((o) => o.value === v)) $('f-refresh').append(el('option', { value: v }, 'every ' + v + ' s'));
      $('f-refresh').value = v;
    }
    if (params.get('from')) $('f-from').value = params.get('from');
    if (params.get('to')) $('f-to').value = params.get('to');
    const toggleCustom = () => document.querySelectorAll('.custom-dates').forEach((n) => { n.hidden = $('f-period').value !== 'custom'; });
    toggleCustom();
    ['f-repo', 'f-language', 'f-period', 'f-compare', 'f-from', 'f-to', 'f-kind', 'f-measure'].forEach((id) => $(id).addEventListener('change', () => { toggleCustom(); refresh(); }));
    $('f-refresh').addEventListener('change', schedule);
    $('run-now').addEventListener('click', runNow);
    window.addEventListener('resize', () => Object.values(state.charts).forEach((c) => c.resize()));
    loadDimensions().then(refresh).then(schedule);
  }

  init();
})();
