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
  // Points of the period in progress (status 'partial') are drawn as a dashed tail ending in a hollow point, and periods
  // that have not started ('future') are not drawn at all: neither looks like a collapse to zero.
  function isFuture(p) { return p.status === 'future'; }
  function isPartial(p) { return p.status === 'partial'; }

  /** Line series for one sequence of points: complete part plus, when the last drawn point is partial, a dashed tail. */
  function lineWithTail(base, points, valueOf, xOf) {
    const drawn = points.filter((p) => !isFuture(p));
    const complete = drawn.filter((p) => !isPartial(p));
    const partial = drawn.find(isPartial);
    const main = Object.assign({}, base, { data: complete.map((p) => [xOf(p), valueOf(p)]) });
    if (!partial) return [main];
    const last = complete[complete.length - 1];
    const tailData = (last ? [[xOf(last), valueOf(last)]] : []).concat([{ value: [xOf(partial), valueOf(partial)], symbol: 'emptyCircle', symbolSize: 9 }]);
    const tail = Object.assign({}, base, {
      name: base.name, inProgress: true, showSymbol: true, symbol: 'none', areaStyle: undefined,
      lineStyle: Object.assign({}, base.lineStyle || {}, { type: 'dashed', opacity: 0.9 }),
      tooltip: { show: true }, data: tailData,
    });
    return [main, tail];
  }

  function overlaySeries(resp, valueOf, lineStyleOf) {
    const series = (resp.series || []).slice().sort((a, b) => a.yearsBack - b.yearsBack);
    // Axis labels from the longest series (the current one may stop early at today).
    const longest = series.reduce((a, s) => (!a || s.points.length > a.points.length ? s : a), null);
    const labels = longest ? longest.points.map((p) => p.label) : [];
    const out = [];
    const periods = [];
    series.forEach((s, i) => {
      const base = {
        name: s.name,
        type: 'line',
        smooth: true,
        showSymbol: false,
        z: 10 - s.yearsBack,
        lineStyle: Object.assign({ width: s.yearsBack === 0 ? 3 : 1.6, type: s.yearsBack === 0 ? 'solid' : 'dashed' }, lineStyleOf ? lineStyleOf(s) : {}),
        color: palette[Math.min(i, palette.length - 1)],
        areaStyle: s.yearsBack === 0 ? { opacity: 0.08 } : undefined,
      };
      lineWithTail(base, s.points, valueOf, (p) => p.index).forEach((x) => { out.push(x); periods.push(s.points.map((p) => p.period + (isPartial(p) ? ' (in progress)' : ''))); });
    });
    return { labels, series: out, periods, names: series.map((s) => s.name) };
  }

  function renderOverlay(name, resp, unit, valueOf) {
    if (!resp || !resp.series || resp.series.length === 0 || resp.series.every((s) => s.points.length === 0)) { empty(name, 'No data yet'); return; }
    const o = overlaySeries(resp, valueOf || ((p) => p.value));
    draw(name, {
      color: palette,
      grid: { left: 48, right: 16, top: 34, bottom: 28 },
      legend: { top: 0, right: 0, data: o.names },
      tooltip: {
        trigger: 'axis',
        formatter: (items) => {
          if (!items.length) return '';
          const first = items[0].data;
          const idx = Array.isArray(first) ? first[0] : first.value[0];
          const seen = new Set();
          return '<b>' + (o.labels[idx] || '') + '</b><br>' + items.filter((it) => {
            const key = it.seriesName + '|' + idx;
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          }).map((it) => {
            const period = o.periods[it.seriesIndex][idx] || '';
            const v = Array.isArray(it.data) ? it.data[1] : it.data.value[1];
            return it.marker + it.seriesName + ' (' + period + '): <b>' + fmt(v, 1) + '</b> ' + unit;
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
      series: current.flatMap((s, i) => lineWithTail({ name: s.name, type: 'line', smooth: true, showSymbol: false, color: languageColors[i % languageColors.length] },
        s.points, (p) => p.value, (p) => s.points.indexOf(p))),
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
      lineStyle: { width: 1.4, type: 'dotted' }, data: cur.points.filter((p) => !isFuture(p)).map((p) => [p.index, p.values ? p.values[k] : 0]),
    })) : [];
    o.series.forEach((s) => { s.name = 'median ' + s.name; });
    draw('timeToClose', {
      color: palette,
      grid: { left: 48, right: 16, top: 34, bottom: 28 },
      legend: { top: 0, type: 'scroll', data: o.series.filter((x) => !x.inProgress).map((x) => x.name).concat(extra.map((x) => x.name)) },
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmt(v, 1) + ' h' },
      xAxis: { type: 'value', min: 0, max: Math.max(0, o.labels.length - 1), interval: 1, axisLabel: { formatter: (v) => o.labels[v] || '' } },
      yAxis: { type: 'value' },
      series: o.series.concat(extra),
    });
  }

  /** Hours per month, years overlaid (p50), with the current year's p85 dotted. */
  function renderHours(name, resp, p50, p85, emptyText) {
    if (!resp || !resp.series || resp.series.every((s) => s.total === 0)) { empty(name, emptyText); return; }
    const o = overlaySeries(resp, (p) => (p.values ? p.values[p50] : p.value));
    o.series.forEach((x) => { x.name = 'p50 ' + x.name; });
    const cur = resp.series.find((s) => s.yearsBack === 0);
    const extra = cur ? [{ name: 'p85 ' + cur.name, type: 'line', smooth: true, showSymbol: false, color: '#f2a51a', lineStyle: { width: 1.4, type: 'dotted' },
      data: cur.points.filter((p) => !isFuture(p)).map((p) => [p.index, p.values ? p.values[p85] : 0]) }] : [];
    draw(name, {
      color: palette,
      grid: { left: 48, right: 16, top: 34, bottom: 28 },
      legend: { top: 0, type: 'scroll', data: o.series.filter((x) => !x.inProgress).map((x) => x.name).concat(extra.map((x) => x.name)) },
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmt(v, 1) + ' h' },
      xAxis: { type: 'value', min: 0, max: Math.max(0, o.labels.length - 1), interval: 1, axisLabel: { formatter: (v) => o.labels[v] || '' } },
      yAxis: { type: 'value', name: 'hours', nameTextStyle: { align: 'left' } },
      series: o.series.concat(extra),
    });
  }

  function renderTimeToMerge(resp) {
    renderHours('timeToMerge', resp, 'p50Hours', 'p85Hours', 'No pull request merged in this period');
    const box = $('merge-kpis');
    box.replaceChildren();
    ((resp && resp.series) || []).slice().sort((a, b) => a.yearsBack - b.yearsBack).forEach((s) => {
      const unmerged = s.points.reduce((a, p) => a + ((p.values && p.values.closedUnmerged) || 0), 0);
      box.append(el('div', { class: 'kpi', 'data-year': s.name }, el('b', {}, fmt(s.total) + ' merged'), fmt(unmerged) + ' closed unmerged in ' + s.name));
    });
  }

  /** Opened (solid) vs closed (dashed) per week: this year in colour, earlier years thin grey. */
  function renderOpenedClosed(resp) {
    if (!resp || !resp.series || resp.series.every((s) => s.points.every((p) => !p.values || (p.values.opened + p.values.closed) === 0))) { empty('openedClosed', 'Nothing opened or closed in this period'); return; }
    const series = resp.series.slice().sort((a, b) => a.yearsBack - b.yearsBack);
    const longest = series.reduce((a, s) => (!a || s.points.length > a.points.length ? s : a), null);
    const labels = longest.points.map((p) => p.label);
    const out = [];
    series.forEach((s) => {
      [['opened', '#2f6fec'], ['closed', '#e8684a']].forEach(([field, colour]) => {
        const base = { name: field + ' ' + s.name, type: 'line', smooth: true, showSymbol: false, z: 10 - s.yearsBack,
          color: s.yearsBack === 0 ? colour : palette[Math.min(s.yearsBack + 1, palette.length - 1)],
          lineStyle: { width: s.yearsBack === 0 ? 2.6 : 1.2, type: s.yearsBack === 0 ? 'solid' : 'dashed' } };
        lineWithTail(base, s.points, (p) => (p.values ? p.values[field] : 0), (p) => p.index).forEach((x) => out.push(x));
      });
    });
    draw('openedClosed', {
      grid: { left: 48, right: 16, top: 34, bottom: 28 },
      legend: { top: 0, type: 'scroll', data: out.filter((x) => !x.inProgress).map((x) => x.name) },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', min: 0, max: Math.max(0, labels.length - 1), interval: Math.max(1, Math.ceil(labels.length / 12)), axisLabel: { formatter: (v) => labels[v] || '' } },
      yAxis: { type: 'value', name: 'per week', nameTextStyle: { align: 'left' } },
      series: out,
    });
  }

  /** This year's new and returning contributors as stacked bars; earlier years' new contributors as lines. */
  function renderNewContributors(resp) {
    if (!resp || !resp.series || resp.series.every((s) => s.points.every((p) => !p.values || (p.values.new + p.values.returning) === 0))) { empty('newContributors', 'No contributors in this period'); return; }
    const series = resp.series.slice().sort((a, b) => a.yearsBack - b.yearsBack);
    const cur = series.find((s) => s.yearsBack === 0) || series[0];
    const longest = series.reduce((a, s) => (!a || s.points.length > a.points.length ? s : a), null);
    const labels = longest.points.map((p) => p.label);
    const bar = (field, colour) => ({ name: field + ' ' + cur.name, type: 'bar', stack: 'cur', color: colour,
      data: cur.points.filter((p) => !isFuture(p)).map((p) => ({ value: [p.index, p.values ? p.values[field] : 0],
        itemStyle: isPartial(p) ? { color: colour, opacity: 0.45, borderType: 'dashed', borderColor: '#1b2333', borderWidth: 1 } : undefined })) });
    const lines = series.filter((s) => s.yearsBack > 0).map((s, i) => ({ name: 'new ' + s.name, type: 'line', smooth: true, showSymbol: false,
      color: palette[Math.min(i + 1, palette.length - 1)], lineStyle: { width: 1.4, type: 'dashed' },
      data: s.points.filter((p) => !isFuture(p)).map((p) => [p.index, p.values ? p.values.new : 0]) }));
    draw('newContributors', {
      grid: { left: 48, right: 16, top: 34, bottom: 28 },
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', min: -0.5, max: Math.max(0, labels.length - 1) + 0.5, interval: 1, axisLabel: { formatter: (v) => labels[v] || '' } },
      yAxis: { type: 'value', name: 'people', nameTextStyle: { align: 'left' } },
      series: [bar('new', '#36b37e'), bar('returning', '#2f6fec')].concat(lines),
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

  // /api/models: {models: [{name, primaryMetric, champion, challenger, latestVersion, servingVersion, championTestMetrics,
  // championTrainer, championCreatedAt, championDataset}]} (snake_case before the API's camelCase change: read both).
  function field(o, camel, snake) { return o[camel] !== undefined ? o[camel] : o[snake]; }

  async function renderModels() {
    const res = await getJson(api + '/models');
    const panel = $('panel-models');
    if (res.status === 404 || res.status === 0 || !res.ok || !res.body) { panel.hidden = true; return; }
    panel.hidden = false;
    const list = Array.isArray(res.body) ? res.body : (res.body.models || []);
    const box = $('models-body');
    box.replaceChildren();
    if (!list.length) { box.append(el('p', { class: 'note' }, 'No model registered yet.')); return; }
    const head = ['Model', 'Serving', 'Champion', 'Challenger', 'Latest', 'Champion test metrics', 'Trainer', 'Champion created'];
    const table = el('table', { id: 'models-table' }, el('thead', {}, el('tr', {}, head.map((h) => el('th', {}, h)))));
    const tbody = el('tbody');
    const version = (v) => (v === null || v === undefined || v === 0 ? '–' : 'v' + v);
    list.slice(0, 20).forEach((m) => {
      const primary = field(m, 'primaryMetric', 'primary_metric');
      const testMetrics = field(m, 'championTestMetrics', 'champion_test_metrics');
      const metrics = testMetrics && typeof testMetrics === 'object'
        ? Object.entries(testMetrics).filter(([, v]) => typeof v === 'number')
          .sort(([a], [b]) => (a === primary ? -1 : b === primary ? 1 : a.localeCompare(b)))
          .map(([k, v]) => (k === primary ? '★ ' : '') + k + ' ' + fmt(v, 3)).join(', ') : '';
      const created = field(m, 'championCreatedAt', 'champion_created_at');
      const champion = field(m, 'champion', 'champion');
      tbody.append(el('tr', { 'data-model': m.name },
        el('td', {}, m.name || ''),
        el('td', { 'data-col': 'serving' }, version(field(m, 'servingVersion', 'serving_version'))),
        el('td', { 'data-col': 'champion' }, champion ? 'champion ' + version(champion) : 'no champion'),
        el('td', { 'data-col': 'challenger' }, version(field(m, 'challenger', 'challenger'))),
        el('td', { 'data-col': 'latest' }, version(field(m, 'latestVersion', 'latest_version'))),
        el('td', { 'data-col': 'metrics', title: primary ? 'primary metric: ' + primary : '' }, metrics || '–'),
        el('td', { 'data-col': 'trainer' }, field(m, 'championTrainer', 'champion_trainer') || '–'),
        el('td', { 'data-col': 'created', title: created || '' }, created ? new Date(created).toLocaleString() : '–')));
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
    const ocKind = $('f-oc-kind').value;
    const [activity, stars, languages, ttc, growing, contributors, openedClosed, cumulativeStars, firstResponse, timeToMerge, newContributors] = await Promise.all([
      getJson(api + '/trends/activity?' + query()),
      getJson(api + '/trends/stars?' + query()),
      getJson(api + '/trends/languages?' + query({ measure })),
      getJson(api + '/trends/time-to-close?' + query({ kind })),
      getJson(api + '/trends/top-growing?' + query({ limit: 10 })),
      getJson(api + '/trends/contributors?' + query()),
      getJson(api + '/trends/issues-prs?' + query({ kind: ocKind })),
      getJson(api + '/trends/cumulative-stars?' + query()),
      getJson(api + '/trends/first-response?' + query()),
      getJson(api + '/trends/time-to-merge?' + query()),
      getJson(api + '/trends/new-contributors?' + query()),
    ]);
    state.data = { activity: activity.body, stars: stars.body, languages: languages.body, timeToClose: ttc.body, growing: growing.body, contributors: contributors.body,
      openedClosed: openedClosed.body, cumulativeStars: cumulativeStars.body, firstResponse: firstResponse.body, timeToMerge: timeToMerge.body, newContributors: newContributors.body };
    const failed = [activity, stars, languages, ttc, growing, contributors, openedClosed, cumulativeStars, firstResponse, timeToMerge, newContributors].filter((r) => !r.ok);
    state.errors = failed.map((r) => (r.body && r.body.detail) || ('HTTP ' + r.status));
    if (activity.ok) { renderOverlay('activity', activity.body, 'events'); renderActivityKpis(activity.body); } else { empty('activity', state.errors[0] || 'Unavailable'); }
    if (stars.ok) renderOverlay('stars', stars.body, 'stars'); else empty('stars', 'Unavailable');
    if (languages.ok) renderLanguages(languages.body); else { empty('languages', 'Unavailable'); empty('languagesYoY', 'Unavailable'); }
    if (ttc.ok) renderTimeToClose(ttc.body); else empty('timeToClose', 'Unavailable');
    if (growing.ok) renderGrowing(growing.body); else empty('growing', 'Unavailable');
    if (contributors.ok) renderOverlay('contributors', contributors.body, 'people'); else empty('contributors', 'Unavailable');
    if (openedClosed.ok) renderOpenedClosed(openedClosed.body); else empty('openedClosed', 'Unavailable');
    if (cumulativeStars.ok) renderOverlay('cumulativeStars', cumulativeStars.body, 'stars'); else empty('cumulativeStars', 'Unavailable');
    if (firstResponse.ok) renderHours('firstResponse', firstResponse.body, 'p50Hours', 'p85Hours', 'No first responses in this period'); else empty('firstResponse', 'Unavailable');
    if (timeToMerge.ok) renderTimeToMerge(timeToMerge.body); else empty('timeToMerge', 'Unavailable');
    if (newContributors.ok) renderNewContributors(newContributors.body); else empty('newContributors', 'Unavailable');
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

  // Every filter is kept in the query string (history.replaceState), so a view can be shared and reloads the same.
  const urlFilters = { repo: 'f-repo', language: 'f-language', period: 'f-period', compareYears: 'f-compare', from: 'f-from', to: 'f-to',
    refresh: 'f-refresh', kind: 'f-kind', measure: 'f-measure', ocKind: 'f-oc-kind' };
  function writeUrl() {
    const q = new URLSearchParams(location.search);
    for (const [key, id] of Object.entries(urlFilters)) {
      const v = $(id).value;
      const custom = key === 'from' || key === 'to';
      if (v && (!custom || $('f-period').value === 'custom')) q.set(key, v); else q.delete(key);
    }
    const search = q.toString();
    history.replaceState(history.state, '', location.pathname + (search ? '?' + search : '') + location.hash);
  }
  window.pipelineDashboardWriteUrl = writeUrl;

  function init() {
    // Filters come from the URL (?repo=&language=&period=&compareYears=&from=&to=&refresh=&kind=&measure=&ocKind=).
    if (params.get('period')) $('f-period').value = params.get('period');
    if (params.get('compareYears')) $('f-compare').value = params.get('compareYears');
    if (params.get('refresh')) {
      const v = params.get('refresh');
      if (![...$('f-refresh').options].some((o) => o.value === v)) $('f-refresh').append(el('option', { value: v }, 'every ' + v + ' s'));
      $('f-refresh').value = v;
    }
    for (const key of ['kind', 'measure', 'ocKind']) {
      const v = params.get(key);
      if (v && [...$(urlFilters[key]).options].some((o) => o.value === v)) $(urlFilters[key]).value = v;
    }
    if (params.get('from')) $('f-from').value = params.get('from');
    if (params.get('to')) $('f-to').value = params.get('to');
    const toggleCustom = () => document.querySelectorAll('.custom-dates').forEach((n) => { n.hidden = $('f-period').value !== 'custom'; });
    toggleCustom();
    ['f-repo', 'f-language', 'f-period', 'f-compare', 'f-from', 'f-to', 'f-kind', 'f-measure', 'f-oc-kind'].forEach((id) => $(id).addEventListener('change', () => { toggleCustom(); writeUrl(); refresh(); }));
    $('f-refresh').addEventListener('change', () => { writeUrl(); schedule(); });
    $('run-now').addEventListener('click', runNow);
    window.addEventListener('resize', () => Object.values(state.charts).forEach((c) => c.resize()));
    loadDimensions().then(refresh).then(schedule);
  }

  init();
})();
