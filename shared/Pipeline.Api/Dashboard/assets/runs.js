/* Model runs page: compares tracked training runs (GET /api/models/{name}/runs) and charts live (monitor reports) and
   offline (run test metrics) quality over time. Plain JavaScript, charts by Apache ECharts (bundled). */
(function () {
  'use strict';

  const api = document.body.dataset.api || '/api';
  const functionKey = new URLSearchParams(location.search).get('code') || sessionStorage.getItem('pipeline.functionKey') || '';
  const headers = functionKey ? { 'x-functions-key': functionKey } : {};
  const $ = (id) => document.getElementById(id);
  const state = { runs: [], reports: [], charts: {}, loaded: 0, errors: [] };
  window.pipelineRuns = state;
  const primary = { 'issue-labeler': 'macro_f1', 'time-to-close': 'auc' };
  const liveMetric = { 'issue-labeler': 'accuracy', 'time-to-close': 'auc' };

  function fmt(n, d) { return n === undefined || n === null || Number.isNaN(n) ? '–' : Number(n).toFixed(d === undefined ? 3 : d); }
  function chart(id) {
    if (!state.charts[id]) state.charts[id] = echarts.init($(id), null, { renderer: 'canvas' });
    return state.charts[id];
  }
  async function getJson(url) {
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error(url + ' → ' + response.status);
    return response.json();
  }

  function fillSelect(select, values, keep) {
    const current = keep && values.includes(select.value) ? select.value : null;
    select.innerHTML = '';
    for (const v of values) {
      const o = document.createElement('option');
      o.value = v; o.textContent = v;
      select.appendChild(o);
    }
    if (current) select.value = current;
  }

  function renderCompare(model, metric) {
    const runs = state.runs.slice().reverse(); // oldest first on the axis
    const labels = runs.map((r) => 'v' + (r.version ?? '?') + ' ' + (r.params.trainer || ''));
    chart('chart-runs').setOption({
      tooltip: { trigger: 'axis' },
      legend: { data: ['run (test)', 'baseline', 'champion on same test set', 'CV mean'] },
      grid: { left: 50, right: 20, top: 40, bottom: 60 },
      xAxis: { type: 'category', data: labels, axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', name: metric, scale: true },
      series: [
        { name: 'run (test)', type: 'bar', data: runs.map((r) => ({ value: r.testMetrics[metric] ?? null, itemStyle: { color: r.decision === 'promoted' ? '#1f9d55' : '#9aa7c2' } })) },
        { name: 'baseline', type: 'line', data: runs.map((r) => r.baselineMetrics[metric] ?? null), lineStyle: { type: 'dashed' } },
        { name: 'champion on same test set', type: 'scatter', data: runs.map((r) => r.championTestMetrics ? r.championTestMetrics[metric] ?? null : null) },
        { name: 'CV mean', type: 'line', data: runs.map((r) => r.cvMetrics[metric] ?? null) },
      ],
    }, true);
  }

  function renderParam(metric, param) {
    const points = state.runs.map((r) => [r.params[param] ?? '(none)', r.testMetrics[metric] ?? null, r.id]);
    const categories = [...new Set(points.map((p) => String(p[0])))].sort();
    chart('chart-param').setOption({
      tooltip: { formatter: (p) => p.data[2] + '<br>' + param + ' = ' + p.data[0] + '<br>' + metric + ' = ' + fmt(p.data[1]) },
      grid: { left: 50, right: 20, top: 20, bottom: 40 },
      xAxis: { type: 'category', data: categories, name: param },
      yAxis: { type: 'value', name: metric, scale: true },
      series: [{ type: 'scatter', symbolSize: 12, data: points.map((p) => [String(p[0]), p[1], p[2]]) }],
    }, true);
  }

  function renderTime(model, metric) {
    const offline = state.runs.map((r) => [r.finishedAt, r.testMetrics[metric] ?? null]).sort((a, b) => a[0].localeCompare(b[0]));
    const live = liveMetric[model];
    // The monitor API answers camelCase (liveMetrics); older stored shapes used live_metrics.
    const liveOf = (r) => r.liveMetrics || r.live_metrics;
    const online = state.reports.filter((r) => liveOf(r) && liveOf(r)[live] !== undefined)
      .map((r) => [r.at, liveOf(r)[live]]).sort((a, b) => a[0].localeCompare(b[0]));
    chart('chart-time').setOption({
      tooltip: { trigger: 'axis' },
      legend: { data: ['offline ' + metric, 'live ' + live] },
      grid: { left: 50, right: 20, top: 40, bottom: 40 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', scale: true },
      series: [
        { name: 'offline ' + metric, type: 'line', step: 'end', data: offline },
        { name: 'live ' + live, type: 'line', data: online },
      ],
    }, true);
  }

  function renderTable(metric) {
    const body = $('runs-table').querySelector('tbody');
    body.innerHTML = '';
    for (const r of state.runs) {
      const tr = document.createElement('tr');
      tr.dataset.runId = r.id;
      const cells = [r.startedAt.replace('T', ' ').slice(0, 19), 'v' + (r.version ?? '?'), r.decision, r.params.trainer || '',
        r.dataset.source, r.dataset.trainRows + '/' + r.dataset.testRows, fmt(r.testMetrics[metric]), fmt(r.baselineMetrics[metric]), fmt(r.durationSeconds, 1)];
      for (const c of cells) { const td = document.createElement('td'); td.textContent = c; tr.appendChild(td); }
      tr.title = r.decisionReason;
      tr.addEventListener('click', () => showFolds(r.id, metric));
      body.appendChild(tr);
    }
  }

  async function showFolds(id, metric) {
    const model = $('r-model').value;
    const run = await getJson(api + '/models/' + encodeURIComponent(model) + '/runs/' + encodeURIComponent(id));
    const box = $('run-folds');
    box.innerHTML = '';
    const h = document.createElement('h3'); h.textContent = 'Folds of ' + run.id; box.appendChild(h);
    const table = document.createElement('table'); table.className = 'table'; table.id = 'folds-table';
    table.innerHTML = '<thead><tr><th>fold</th><th>train rows</th><th>valid rows</th><th>trained up to</th><th>validated on</th><th>' + metric + '</th></tr></thead>';
    const tbody = document.createElement('tbody');
    for (const f of run.folds) {
      const tr = document.createElement('tr');
      for (const c of [f.fold, f.trainRows, f.validRows, f.trainTo.slice(0, 10), f.validFrom.slice(0, 10) + '…' + f.validTo.slice(0, 10), fmt(f.metrics[metric])]) {
        const td = document.createElement('td'); td.textContent = c; tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
    table.appendChild(tbody);
    box.appendChild(table);
  }

  async function load() {
    const model = $('r-model').value;
    const decision = $('r-decision').value;
    try {
      const [runs, monitor] = await Promise.all([
        getJson(api + '/models/' + encodeURIComponent(model) + '/runs?limit=200' + (decision ? '&decision=' + decision : '')),
        getJson(api + '/models/' + encodeURIComponent(model) + '/monitor').catch(() => ({ reports: [] })),
      ]);
      state.runs = runs.runs;
      state.reports = monitor.reports || [];
      const metrics = [...new Set(state.runs.flatMap((r) => Object.keys(r.testMetrics)))].filter((m) => m !== 'count').sort();
      // Keep the metric the user picked (when this model has it); otherwise show the model's primary metric.
      fillSelect($('r-metric'), metrics.length ? metrics : [primary[model]], true);
      if ((!$('r-metric').dataset.touched || !metrics.includes($('r-metric').value)) && metrics.includes(primary[model])) $('r-metric').value = primary[model];
      const params = [...new Set(state.runs.flatMap((r) => Object.keys(r.params)))].sort();
      fillSelect($('r-param'), params.length ? params : ['trainer'], true);
      if (!$('r-param').dataset.touched && params.includes('trainer')) $('r-param').value = 'trainer';
      render();
      state.loaded++;
      $('runs-dot').className = 'dot live';
      $('runs-updated').textContent = state.runs.length + ' runs';
    } catch (e) {
      state.errors.push(String(e));
      $('runs-dot').className = 'dot error';
      $('runs-updated').textContent = String(e);
    }
  }

  function render() {
    const model = $('r-model').value;
    const metric = $('r-metric').value || primary[model];
    renderCompare(model, metric);
    renderParam(metric, $('r-param').value || 'trainer');
    renderTime(model, metric);
    renderTable(metric);
  }

  const query = new URLSearchParams(location.search);
  if (query.get('model')) $('r-model').value = query.get('model');
  $('r-model').addEventListener('change', load);
  $('r-decision').addEventListener('change', load);
  $('r-metric').addEventListener('change', () => { $('r-metric').dataset.touched = '1'; render(); });
  $('r-param').addEventListener('change', () => { $('r-param').dataset.touched = '1'; render(); });
  window.addEventListener('resize', () => Object.values(state.charts).forEach((c) => c.resize()));
  load();
})();
