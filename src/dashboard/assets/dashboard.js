// Lanterne dashboard: draws the charts from the page's JSON islands with uPlot (served by the
// dashboard itself) and keeps the live status current by polling the mission's status route.
// Loaded as a file under the page's CSP nonce; it never builds HTML from data (textContent only).
(function () {
  'use strict';

  var DAY = 86400;
  var css = getComputedStyle(document.documentElement);
  function color(name, fallback) {
    var v = css.getPropertyValue(name).trim();
    return v || fallback;
  }
  function ts(date) {
    return Date.parse(date + 'T00:00:00Z') / 1000;
  }
  function readJson(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try {
      return JSON.parse(el.textContent || 'null');
    } catch (e) {
      return null;
    }
  }
  function alpha(hex, a) {
    var m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
    if (!m) return hex;
    return 'rgba(' + parseInt(m[1], 16) + ',' + parseInt(m[2], 16) + ',' + parseInt(m[3], 16) + ',' + a + ')';
  }
  function empty(el, text) {
    var p = document.createElement('p');
    p.className = 'empty-chart';
    p.textContent = text;
    el.appendChild(p);
    el.dataset.points = '0';
  }
  function fmt1(v) {
    return v == null ? '—' : (Math.round(v * 10) / 10).toString();
  }
  var charts = [];
  function mount(el, opts, data, height) {
    opts.width = Math.max(260, el.clientWidth);
    opts.height = height;
    var u = new window.uPlot(opts, data, el);
    charts.push({ u: u, el: el });
    return u;
  }
  if (window.ResizeObserver) {
    var ro = new ResizeObserver(function () {
      charts.forEach(function (c) {
        var w = Math.max(260, c.el.clientWidth);
        if (Math.abs(w - c.u.width) > 2) c.u.setSize({ width: w, height: c.u.height });
      });
    });
    window.addEventListener('load', function () {
      charts.forEach(function (c) { ro.observe(c.el); });
    });
  }
  var utc = function (t) { return window.uPlot.tzDate(new Date(t * 1e3), 'Etc/UTC'); };
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  /** An x axis of whole days: ticks on days, weeks or months, labelled "5 Jul" (UTC dates). */
  function dayAxis() {
    return {
      space: 56,
      incrs: [1, 2, 7, 14, 28, 56, 91, 182, 364].map(function (d) { return d * DAY; }),
      values: function (u, splits) {
        return splits.map(function (t) {
          var d = new Date(t * 1000);
          return d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()] + (d.getUTCMonth() === 0 && d.getUTCDate() <= 7 ? ' ' + d.getUTCFullYear() : '');
        });
      },
      grid: { stroke: '#eef1f5' },
    };
  }
  function dayCursor() {
    return { sync: { key: 'lanterne-days', setSeries: false }, drag: { x: true, y: false, setScale: true } };
  }
  function firstLast(el, dates, values) {
    var first = null, last = null, n = 0;
    for (var i = 0; i < dates.length; i++) {
      var has = values.some(function (arr) { return arr[i] != null; });
      if (!has) continue;
      n++;
      if (first === null) first = dates[i];
      last = dates[i];
    }
    el.dataset.points = String(n);
    el.dataset.firstDate = first || '';
    el.dataset.lastDate = last || '';
  }

  /** Mission span shaded, key days marked, today drawn as a line: behind and over the series. */
  function missionPlugin(mission) {
    return {
      hooks: {
        drawClear: function (u) {
          if (!mission.start || !mission.end) return;
          var ctx = u.ctx;
          var x0 = u.valToPos(ts(mission.start) - DAY / 2, 'x', true);
          var x1 = u.valToPos(ts(mission.end) + DAY / 2, 'x', true);
          var l = Math.max(x0, u.bbox.left), r = Math.min(x1, u.bbox.left + u.bbox.width);
          if (r <= l) return;
          ctx.save();
          ctx.fillStyle = 'rgba(244,166,42,0.09)';
          ctx.fillRect(l, u.bbox.top, r - l, u.bbox.height);
          ctx.restore();
        },
        draw: function (u) {
          var ctx = u.ctx;
          ctx.save();
          var xt = u.valToPos(ts(mission.today), 'x', true);
          if (xt >= u.bbox.left && xt <= u.bbox.left + u.bbox.width) {
            ctx.strokeStyle = color('--ctl', '#2f6fde');
            ctx.setLineDash([4, 4]);
            ctx.lineWidth = 1.5 * devicePixelRatio;
            ctx.beginPath();
            ctx.moveTo(xt, u.bbox.top);
            ctx.lineTo(xt, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.fillStyle = color('--ctl', '#2f6fde');
            ctx.font = '600 ' + Math.round(11 * devicePixelRatio) + 'px system-ui, sans-serif';
            var nearRight = xt > u.bbox.left + u.bbox.width - 50 * devicePixelRatio;
            ctx.textAlign = nearRight ? 'right' : 'left';
            ctx.fillText('today', xt + (nearRight ? -4 : 4) * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
            ctx.textAlign = 'left';
          }
          ctx.fillStyle = '#e39a00';
          ctx.font = Math.round(12 * devicePixelRatio) + 'px system-ui, sans-serif';
          (mission.keyDays || []).forEach(function (d) {
            var x = u.valToPos(ts(d), 'x', true);
            if (x >= u.bbox.left && x <= u.bbox.left + u.bbox.width) ctx.fillText('★', x - 5 * devicePixelRatio, u.bbox.top + u.bbox.height - 4 * devicePixelRatio);
          });
          ctx.restore();
        },
      },
    };
  }

  /** The days the chart shows, as data-x-min / data-x-max (zoom and range buttons change them). */
  function showRange(el, u) {
    var s = u.scales.x;
    if (s.min == null || s.max == null) return;
    el.dataset.xMin = new Date(Math.ceil(s.min / DAY) * DAY * 1000).toISOString().slice(0, 10);
    el.dataset.xMax = new Date(Math.floor(s.max / DAY) * DAY * 1000).toISOString().slice(0, 10);
  }

  function projected(values, from) {
    return values.map(function (v, i) { return from !== null && i >= from - 1 ? v : null; });
  }
  function actual(values, from) {
    return values.map(function (v, i) { return from === null || i < from ? v : null; });
  }

  function fitnessChart(el, c) {
    if (!c.dates.length) return empty(el, 'No load history yet: the chart starts with the first ride the coach sees.');
    var x = c.dates.map(ts);
    var p = c.projectedFrom;
    var bars = window.uPlot.paths.bars({ size: [0.7, 10] });
    var ctl = color('--ctl', '#2f6fde'), atl = color('--atl', '#d6457a'), tsb = color('--tsb', '#e59b12');
    // A day without training draws no bar (a 0-high bar would still draw its outline).
    var bar = function (v) { return v === 0 ? null : v; };
    var data = [x, c.tss.map(bar), c.planned.map(bar), actual(c.ctl, p), actual(c.atl, p), actual(c.tsb, p), projected(c.ctl, p), projected(c.atl, p), projected(c.tsb, p)];
    var u = mount(el, {
      tzDate: utc,
      cursor: dayCursor(),
      scales: { x: { time: true }, tss: { range: function (u, min, max) { return [0, Math.max(100, max * 2.2)]; } } },
      series: [
        { value: '{YYYY}-{MM}-{DD}' },
        { label: 'TSS', scale: 'tss', paths: bars, fill: 'rgba(110,122,145,0.28)', stroke: 'rgba(110,122,145,0.5)', points: { show: false }, value: function (u, v) { return fmt1(v); } },
        { label: 'Planned TSS', scale: 'tss', paths: bars, fill: 'rgba(244,166,42,0.22)', stroke: 'rgba(229,155,18,0.8)', points: { show: false }, value: function (u, v) { return fmt1(v); } },
        { label: 'CTL fitness', scale: 'load', stroke: ctl, width: 2.5, points: { show: false }, value: function (u, v) { return fmt1(v); } },
        { label: 'ATL fatigue', scale: 'load', stroke: atl, width: 1.5, points: { show: false }, value: function (u, v) { return fmt1(v); } },
        { label: 'TSB form', scale: 'load', stroke: tsb, width: 1.5, points: { show: false }, value: function (u, v) { return fmt1(v); } },
        { label: 'CTL planned', scale: 'load', stroke: ctl, width: 2, dash: [6, 5], points: { show: false }, value: function (u, v) { return fmt1(v); } },
        { label: 'ATL planned', scale: 'load', stroke: atl, width: 1.2, dash: [6, 5], points: { show: false }, value: function (u, v) { return fmt1(v); } },
        { label: 'TSB planned', scale: 'load', stroke: tsb, width: 1.2, dash: [6, 5], points: { show: false }, value: function (u, v) { return fmt1(v); } },
      ],
      axes: [
        dayAxis(),
        { scale: 'load', grid: { stroke: '#eef1f5' } },
        { scale: 'tss', side: 1, grid: { show: false }, values: function (u, v) { return v.map(function (x) { return x + ' TSS'; }); }, size: 64 },
      ],
      plugins: [missionPlugin(c.mission)],
      hooks: { setScale: [function (u, key) { if (key === 'x') showRange(el, u); }] },
    }, data, 320);
    showRange(el, u);
    firstLast(el, c.dates, [c.tss, c.planned]);
    el.dataset.projectedFrom = p === null ? '' : c.dates[p];
    rangeButtons(u, c);
  }

  function rangeButtons(u, c) {
    var buttons = document.querySelectorAll('[data-range]');
    var all = { min: ts(c.dates[0]), max: ts(c.dates[c.dates.length - 1]) };
    function set(kind) {
      var r = all;
      if (kind === 'mission' && c.mission.start) r = { min: ts(c.mission.start) - 7 * DAY, max: ts(c.mission.end) + DAY };
      if (kind === '90') r = { min: Math.max(all.min, ts(c.mission.today) - 90 * DAY), max: Math.min(all.max, ts(c.mission.today) + 30 * DAY) };
      charts.forEach(function (ch) { if (ch.el.dataset.chart !== 'workout' && ch.el.dataset.chart !== 'compliance') ch.u.setScale('x', r); });
      buttons.forEach(function (b) { b.classList.toggle('active', b.getAttribute('data-range') === kind); });
    }
    buttons.forEach(function (b) {
      b.addEventListener('click', function () { set(b.getAttribute('data-range')); });
    });
    buttons.forEach(function (b) { b.classList.toggle('active', b.getAttribute('data-range') === 'all'); });
  }

  function wellnessChart(el, c) {
    if (!c.dates.length) return empty(el, 'No nights observed yet.');
    var x = c.dates.map(ts);
    var hrv = '#2f9e8f', rhr = '#d6457a', ready = '#5b6bd6';
    var pts = { show: true, size: 5 };
    mount(el, {
      tzDate: utc,
      cursor: dayCursor(),
      scales: { x: { time: true }, score: { range: [0, 100] } },
      series: [
        { value: '{YYYY}-{MM}-{DD}' },
        { label: 'Readiness', scale: 'score', stroke: ready, width: 1.5, points: pts, spanGaps: false },
        { label: 'HRV ms', scale: 'ms', stroke: hrv, width: 2, points: pts, spanGaps: false },
        { label: 'HRV normal high', scale: 'ms', stroke: alpha(hrv, 0.35), width: 1, points: { show: false } },
        { label: 'HRV normal low', scale: 'ms', stroke: alpha(hrv, 0.35), width: 1, points: { show: false } },
        { label: 'Resting HR bpm', scale: 'ms', stroke: rhr, width: 1.2, dash: [3, 3], points: pts, spanGaps: false },
      ],
      bands: [{ series: [3, 4], fill: alpha(hrv, 0.13) }],
      axes: [
        dayAxis(),
        { scale: 'score', grid: { stroke: '#eef1f5' } },
        { scale: 'ms', side: 1, grid: { show: false }, values: function (u, v) { return v.map(function (x) { return x + ''; }); } },
      ],
      plugins: [missionPlugin(c.mission)],
    }, [x, c.readiness, c.hrv, c.hrvHigh, c.hrvLow, c.restingHr], 260);
    firstLast(el, c.dates, [c.readiness, c.hrv, c.restingHr]);
  }

  function complianceChart(el, c) {
    var k = c.compliance;
    if (!k.dates.length) return empty(el, 'No coached day yet.');
    var x = k.dates.map(ts);
    var ok = color('--ok', '#1f9d57');
    mount(el, {
      tzDate: utc,
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true, range: function (u, min, max) { return [min - DAY, max + DAY]; } }, y: { range: function (u, min, max) { return [0, Math.max(50, max * 1.15)]; } } },
      series: [
        { value: '{YYYY}-{MM}-{DD}' },
        { label: 'Planned TSS', stroke: '#6e7a91', width: 1.5, fill: 'rgba(110,122,145,0.08)', paths: window.uPlot.paths.bars({ size: [0.42, 26], align: -1 }), points: { show: false } },
        { label: 'Done TSS', stroke: ok, fill: alpha(ok, 0.75), paths: window.uPlot.paths.bars({ size: [0.42, 26], align: 1 }), points: { show: false } },
      ],
      axes: [dayAxis(), { grid: { stroke: '#eef1f5' } }],
    }, [x, k.planned, k.done], 260);
    firstLast(el, k.dates, [k.planned, k.done]);
  }

  function workoutChart(el, blocks) {
    if (!blocks || !blocks.length) return empty(el, 'No intervals.');
    var x = [], y = [];
    blocks.forEach(function (b) { x.push(b.startMin); y.push(b.pct); });
    var last = blocks[blocks.length - 1];
    x.push(last.endMin);
    y.push(last.pct);
    var zones = [null, '--z1', '--z2', '--z3', '--z4', '--z5', '--z6', '--z7'].map(function (n) { return n ? color(n, '#888888') : null; });
    mount(el, {
      cursor: { drag: { x: true, y: false }, points: { show: false } },
      legend: { show: false },
      scales: { x: { time: false, range: [0, last.endMin] }, y: { range: function (u, min, max) { return [0, Math.max(1.1, max * 1.15)]; } } },
      series: [
        {},
        { label: '% FTP', stroke: 'rgba(24,33,50,0.55)', width: 1, paths: window.uPlot.paths.stepped({ align: 1 }), points: { show: false } },
      ],
      axes: [
        { values: function (u, vals) { return vals.map(function (v) { return v + ' min'; }); }, grid: { show: false } },
        { values: function (u, vals) { return vals.map(function (v) { return Math.round(v * 100) + '%'; }); }, grid: { stroke: '#eef1f5' } },
      ],
      hooks: {
        drawSeries: [function (u, si) {
          if (si !== 1) return;
          var ctx = u.ctx;
          ctx.save();
          blocks.forEach(function (b) {
            var x0 = u.valToPos(b.startMin, 'x', true), x1 = u.valToPos(b.endMin, 'x', true);
            var y0 = u.valToPos(b.pct, 'y', true), yb = u.valToPos(0, 'y', true);
            var c = zones[Math.min(7, Math.max(1, b.zone))];
            ctx.fillStyle = b.byHeartRate ? alpha(c, 0.35) : alpha(c, 0.9);
            ctx.fillRect(x0 + 0.5, y0, Math.max(1, x1 - x0 - 1), yb - y0);
            if (b.byHeartRate) {
              ctx.strokeStyle = c;
              ctx.setLineDash([4, 3]);
              ctx.strokeRect(x0 + 0.5, y0, Math.max(1, x1 - x0 - 1), yb - y0);
              ctx.setLineDash([]);
            }
          });
          var ftp = u.valToPos(1, 'y', true);
          ctx.strokeStyle = 'rgba(24,33,50,0.35)';
          ctx.setLineDash([2, 4]);
          ctx.beginPath();
          ctx.moveTo(u.bbox.left, ftp);
          ctx.lineTo(u.bbox.left + u.bbox.width, ftp);
          ctx.stroke();
          ctx.restore();
        }],
      },
    }, [x, y], 190);
    el.dataset.points = String(blocks.length);
    el.dataset.zones = blocks.map(function (b) { return b.zone; }).join(',');
  }

  function drawCharts() {
    if (!window.uPlot) return;
    var c = readJson('mission-charts');
    document.querySelectorAll('[data-chart]').forEach(function (el) {
      var kind = el.getAttribute('data-chart');
      try {
        if (kind === 'fitness' && c) fitnessChart(el, c);
        if (kind === 'wellness' && c) wellnessChart(el, c);
        if (kind === 'compliance' && c) complianceChart(el, c);
        if (kind === 'workout') workoutChart(el, readJson(el.getAttribute('data-source')));
      } catch (e) {
        empty(el, 'This chart could not be drawn.');
      }
    });
  }

  // ------------------------------------------------------------------ live status

  function startLive() {
    var box = document.getElementById('live-status');
    if (!box) return;
    var url = box.getAttribute('data-status-url');
    var ms = Number(box.getAttribute('data-poll-ms')) || 5000;
    var latest = box.getAttribute('data-latest') || '';
    var news = document.getElementById('live-news');
    var bar = box.querySelector('[data-live-width]');
    if (bar) bar.style.width = (Number(bar.getAttribute('data-pct')) || 0) + '%';
    var timer = null;
    function apply(f) {
      box.querySelectorAll('[data-live]').forEach(function (el) {
        var key = el.getAttribute('data-live');
        var v = key === 'latest' ? (f.latest ? f.latest.text : 'none yet') : f[key];
        if (typeof v === 'string' && el.textContent !== v) el.textContent = v;
      });
      var phase = box.querySelector('[data-live="phase"]');
      if (phase) phase.className = 'badge phase phase-' + f.phase;
      if (bar) bar.style.width = f.progressPct + '%';
      if (f.latest && f.latest.date !== latest && news) {
        latest = f.latest.date;
        box.setAttribute('data-latest', latest);
        news.textContent = '';
        news.appendChild(document.createTextNode('Day ' + f.latest.date + ' is done. '));
        var a = document.createElement('a');
        a.href = f.latest.url;
        a.textContent = 'Open it';
        news.appendChild(a);
        news.appendChild(document.createTextNode(' — reload for the new charts.'));
        news.hidden = false;
      }
      if (!f.running && timer) {
        clearInterval(timer);
        timer = null;
      }
    }
    function poll() {
      if (document.hidden) return;
      fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' }, cache: 'no-store' })
        .then(function (r) {
          if (r.status === 401) {
            clearInterval(timer);
            if (news) { news.textContent = 'Signed out: reload to sign in again.'; news.hidden = false; }
            return null;
          }
          return r.ok ? r.json() : null;
        })
        .then(function (f) { if (f) apply(f); })
        .catch(function () { /* the next poll tries again */ });
    }
    timer = setInterval(poll, ms);
  }

  drawCharts();
  startLive();
})();
