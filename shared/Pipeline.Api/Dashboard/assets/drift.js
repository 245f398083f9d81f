/* Drift report page: one monitor pass of one model (GET /api/models/{name}/monitor), per feature and per prediction
   column: the test used, its statistic, p-value and threshold, PSI, the verdict, and reference vs current histograms
   (bins stored by the monitor with the report). Plain JavaScript, charts by Apache ECharts (bundled). */
(function () {
  'use strict';

  const api = document.body.dataset.api || '/api';
  const query = new URLSearchParams(location.search);
  const functionKey = query.get('code') || sessionStorage.getItem('pipeline.functionKey') || '';
  const headers = functionKey ? { 'x-functions-key': functionKey } : {};
  const $ = (id) => document.getElementById(id);
  const state = { reports: [], report: null, charts: {}, loaded: 0, errors: [] };
  window.pipelineDrift = state;

  function fmt(n, d) { return n === undefined || n === null || Number.isNaN(n) ? '–' : Number(n).toFixed(d === undefined ? 3 : d); }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (k === 'class') e.className = v; else e.setAttribute(k, v); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function tile(label, value, cls) {
    const t = el('div', { class: 'tile' });
    t.appendChild(el('div', { class: 'label' }, label));
    t.appendChild(el('div', { class: 'value ' + (cls || '') }, value));
    return t;
  }

  function writeUrl() {
    const q = new URLSearchParams(location.search);
    q.set('model', $('d-model').value);
    if ($('d-report').value) q.set('report', $('d-report').value); else q.delete('report');
    history.replaceState(history.state, '', location.pathname + '?' + q.toString() + location.hash);
  }

  function renderSummary(r) {
    const box = $('drift-summary');
    box.innerHTML = '';
    const d = r.drift;
    box.appendChild(tile('status', r.driftStatus || '–'));
    box.appendChild(tile('dataset drift', d ? (d.datasetDrift ? 'yes' : 'no') : '–', d && d.datasetDrift ? 'drift-yes' : 'drift-no'));
    box.appendChild(tile('drifted features', d ? d.driftedFeatures + ' of ' + d.features.length + ' (' + fmt(100 * d.driftShare, 0) + '%)' : '–'));
    box.appendChild(tile('prediction drift', d ? (d.predictionDrift ? 'yes' : 'no') : '–', d && d.predictionDrift ? 'drift-yes' : 'drift-no'));
    box.appendChild(tile('window', String(r.driftWindowSize || 0) + ' rows'));
    box.appendChild(tile('champion', r.championVersion ? 'v' + r.championVersion : '–'));
    box.appendChild(tile('at', String(r.at).replace('T', ' ').slice(0, 19)));
  }

  function renderTable(rows) {
    const body = $('drift-table').querySelector('tbody');
    body.innerHTML = '';
    for (const f of rows) {
      const tr = el('tr');
      tr.dataset.feature = f.feature;
      tr.dataset.drifted = String(f.drifted);
      const cells = [f.feature, f.kind, f.test, fmt(f.statistic, 4), f.pValue === null || f.pValue === undefined ? '–' : fmt(f.pValue, 4),
        fmt(f.threshold, 3), fmt(f.psi, 3), f.drifted ? 'drifted' : 'not drifted', f.referenceCount, f.currentCount];
      cells.forEach((c, i) => { const td = el('td', i === 7 ? { class: f.drifted ? 'drift-yes' : 'drift-no' } : {}, String(c)); tr.appendChild(td); });
      body.appendChild(tr);
    }
  }

  function renderHistograms(rows) {
    Object.values(state.charts).forEach((c) => c.dispose());
    state.charts = {};
    const box = $('drift-histograms');
    box.innerHTML = '';
    rows.forEach((f, i) => {
      const wrap = el('div', { class: 'hist-card' });
      wrap.dataset.feature = f.feature;
      wrap.appendChild(el('h3', {}, f.feature + ' · ' + f.test + ' ' + fmt(f.statistic, 4) + (f.drifted ? ' · drifted' : ' · not drifted')));
      const h = f.histogram;
      if (!h || !h.bins || h.bins.length === 0) {
        wrap.appendChild(el('p', { class: 'note' }, 'This report was stored without histogram bins.'));
        box.appendChild(wrap);
        return;
      }
      const div = el('div', { class: 'chart hist', id: 'hist-' + i });
      wrap.appendChild(div);
      box.appendChild(wrap);
      const chart = echarts.init(div, null, { renderer: 'canvas' });
      state.charts[f.feature] = chart;
      chart.setOption({
        tooltip: { trigger: 'axis', valueFormatter: (v) => fmt(100 * v, 1) + '%' },
        legend: { data: ['reference', 'current'] },
        grid: { left: 50, right: 20, top: 30, bottom: 50 },
        xAxis: { type: 'category', data: h.bins, axisLabel: { rotate: h.bins.length > 8 ? 30 : 0 } },
        yAxis: { type: 'value', name: 'share', axisLabel: { formatter: (v) => Math.round(v * 100) + '%' } },
        series: [
          { name: 'reference', type: 'bar', data: h.reference, itemStyle: { color: '#9aa7c2' } },
          { name: 'current', type: 'bar', data: h.current, itemStyle: { color: f.drifted ? '#c0392b' : '#2f6fec' } },
        ],
      }, true);
    });
  }

  function show() {
    const id = $('d-report').value;
    const r = state.reports.find((x) => x.id === id) || null;
    state.report = r;
    if (!r) {
      $('drift-summary').innerHTML = '';
      renderTable([]);
      renderHistograms([]);
      $('drift-empty').hidden = false;
      $('drift-empty').textContent = 'No monitoring reports for this model yet.';
      return;
    }
    renderSummary(r);
    const rows = r.drift ? [...r.drift.features, ...r.drift.predictions] : [];
    $('drift-empty').hidden = rows.length > 0;
    $('drift-empty').textContent = r.drift ? 'No features were tested.' : 'This pass did not test drift: ' + (r.driftStatus || 'no status') + '.';
    renderTable(rows);
    renderHistograms(rows);
  }

  async function load(preferred) {
    const model = $('d-model').value;
    try {
      const response = await fetch(api + '/models/' + encodeURIComponent(model) + '/monitor', { headers });
      if (!response.ok) throw new Error('monitor → HTTP ' + response.status);
      const body = await response.json();
      state.reports = (body.reports || []).slice().sort((a, b) => String(b.at).localeCompare(String(a.at)));
      const select = $('d-report');
      select.innerHTML = '';
      for (const r of state.reports) {
        const label = String(r.at).replace('T', ' ').slice(0, 19) + ' · ' + (r.driftStatus || '') + (r.drift ? '' : ' (no drift test)');
        select.appendChild(el('option', { value: r.id }, label));
      }
      const withDrift = state.reports.find((r) => r.drift);
      if (preferred && state.reports.some((r) => r.id === preferred)) select.value = preferred;
      else if (withDrift) select.value = withDrift.id;
      show();
      writeUrl();
      state.loaded++;
      $('drift-dot').className = 'dot live';
      $('drift-updated').textContent = state.reports.length + ' reports';
    } catch (e) {
      state.errors.push(String(e));
      $('drift-dot').className = 'dot error';
      $('drift-updated').textContent = String(e);
    }
  }

  if (query.get('model') && [...$('d-model').options].some((o) => o.value === query.get('model'))) $('d-model').value = query.get('model');
  $('d-model').addEventListener('change', () => load(null));
  $('d-report').addEventListener('change', () => { writeUrl(); show(); });
  window.addEventListener('resize', () => Object.values(state.charts).forEach((c) => c.resize()));
  load(query.get('report'));
})();
