// The product page's interactive chart (uPlot, served from this server): step lines per series
// (a price holds until it changes; no offer = a gap), range buttons that fetch the range's chart data
// from the API, series toggles, and a cursor legend with the prices at the cursor.
(function () {
  'use strict';
  var COLORS = { new: '#1f6feb', amazon: '#d1242f', new_3p: '#1a7f37', used: '#9a6700', warehouse: '#8250df', refurbished: '#bc4c00', collectible: '#57606a', list: '#8c959f' };
  var section = document.querySelector('section.product');
  var holder = document.getElementById('chart');
  var dataEl = document.getElementById('chart-data');
  if (!section || !holder || !dataEl || typeof uPlot === 'undefined') return;
  var asin = section.getAttribute('data-asin');
  var marketplace = section.getAttribute('data-marketplace');
  var locale = section.getAttribute('data-locale') || 'en-US';
  var currency = section.getAttribute('data-currency') || 'USD';
  var digits = new Intl.NumberFormat(locale, { style: 'currency', currency: currency }).resolvedOptions().maximumFractionDigits;
  var moneyFormat = new Intl.NumberFormat(locale, { style: 'currency', currency: currency });
  var money = function (minor) { return minor == null ? '—' : moneyFormat.format(minor / Math.pow(10, digits)); };
  var hidden = {};
  var plot = null;
  var current = JSON.parse(dataEl.textContent || '{}');

  // uPlot wants one x array shared by every series: the union of the lines' times (seconds). A time a
  // line has no point at is `undefined` (connected over); `null` is a real gap (no offer).
  function aligned(chart) {
    var times = {};
    chart.lines.forEach(function (l) { l.t.forEach(function (t) { times[t] = true; }); });
    var xs = Object.keys(times).map(Number).sort(function (a, b) { return a - b; });
    var index = {};
    xs.forEach(function (t, i) { index[t] = i; });
    var data = [xs.map(function (t) { return t / 1000; })];
    chart.lines.forEach(function (l) {
      var ys = new Array(xs.length);
      l.t.forEach(function (t, i) { ys[index[t]] = l.price[i]; });
      // Carry the last price to the end of the range so a step line reaches "now".
      data.push(ys);
    });
    if (xs.length > 0 && xs[xs.length - 1] < chart.to) {
      data[0].push(chart.to / 1000);
      chart.lines.forEach(function (l, i) {
        var last = l.price.length > 0 ? l.price[l.price.length - 1] : undefined;
        data[i + 1].push(last === null ? null : last);
      });
    }
    return data;
  }

  function draw(chart) {
    current = chart;
    var note = document.getElementById('chart-note');
    if (note) note.textContent = chart.lines.length === 0 ? 'No price history in this range yet.' : '';
    var series = [{ label: 'Time', value: function (u, v) { return v == null ? '' : new Date(v * 1000).toLocaleString(locale, { timeZone: 'UTC' }); } }];
    chart.lines.forEach(function (l) {
      series.push({
        label: l.label,
        stroke: COLORS[l.series] || '#555',
        width: 2,
        show: !hidden[l.series],
        spanGaps: false,
        paths: uPlot.paths.stepped({ align: 1 }),
        value: function (u, v) { return money(v); },
        points: { show: false },
      });
    });
    var opts = {
      width: Math.max(320, holder.clientWidth || 800),
      height: 360,
      series: series,
      scales: { x: { time: true, range: [chart.from / 1000, chart.to / 1000] } },
      axes: [{}, { size: 80, values: function (u, vals) { return vals.map(function (v) { return money(v); }); } }],
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
    };
    if (plot) plot.destroy();
    holder.innerHTML = '';
    plot = new uPlot(opts, aligned(chart), holder);
    holder.setAttribute('data-range', chart.range);
    holder.setAttribute('data-lines', String(chart.lines.length));
    holder.setAttribute('data-points', String(chart.lines.reduce(function (n, l) { return n + l.t.length; }, 0)));
    buildToggles(chart);
  }

  function buildToggles(chart) {
    var box = document.getElementById('series-toggles');
    if (!box) return;
    box.innerHTML = '';
    chart.lines.forEach(function (l, i) {
      var label = document.createElement('label');
      label.style.setProperty('--c', COLORS[l.series] || '#555');
      var input = document.createElement('input');
      input.type = 'checkbox';
      input.checked = !hidden[l.series];
      input.setAttribute('data-series', l.series);
      input.addEventListener('change', function () {
        hidden[l.series] = !input.checked;
        if (plot) plot.setSeries(i + 1, { show: input.checked });
        holder.setAttribute('data-visible', String(chart.lines.filter(function (x) { return !hidden[x.series]; }).length));
      });
      label.appendChild(input);
      label.appendChild(document.createTextNode(' ' + l.label));
      box.appendChild(label);
    });
    holder.setAttribute('data-visible', String(chart.lines.filter(function (x) { return !hidden[x.series]; }).length));
  }

  function load(range) {
    var url = '/api/v1/products/' + encodeURIComponent(asin) + '/chart?marketplace=' + encodeURIComponent(marketplace) + '&range=' + encodeURIComponent(range);
    holder.setAttribute('aria-busy', 'true');
    return fetch(url, { headers: { accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (chart) {
        document.querySelectorAll('.ranges button').forEach(function (b) {
          var on = b.getAttribute('data-range') === range;
          b.classList.toggle('active', on);
          b.setAttribute('aria-pressed', on ? 'true' : 'false');
        });
        draw(chart);
      })
      .catch(function (err) {
        var note = document.getElementById('chart-note');
        if (note) note.textContent = 'Could not load the chart: ' + err.message;
      })
      .finally(function () { holder.removeAttribute('aria-busy'); });
  }

  document.querySelectorAll('.ranges button').forEach(function (b) {
    b.addEventListener('click', function () { load(b.getAttribute('data-range')); });
  });
  window.addEventListener('resize', function () {
    if (plot) plot.setSize({ width: Math.max(320, holder.clientWidth || 800), height: 360 });
  });
  draw(current);
})();
