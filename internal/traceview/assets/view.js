// simgen trace view: draws the space-time diagram of a simulated run from the JSON data
// embedded in the page (see traceview.Data). No network, no libraries.
(function () {
  "use strict";

  var started = performance.now();
  var D = JSON.parse(document.getElementById("trace-data").textContent);
  var n = D.k.length;
  var nodes = D.nodes;
  var lanes = nodes.length;

  // Absolute virtual times and steps from their differences.
  var T = new Float64Array(n), S = new Float64Array(n);
  (function () {
    var t = 0, s = 0;
    for (var i = 0; i < n; i++) { t += D.dt[i]; s += D.ds[i]; T[i] = t; S[i] = s; }
  })();

  // Kinds: scheduling events are drawn individually only when few are visible.
  var SCHED = { run: 1, block: 1, unblock: 1, spawn: 1, exit: 1, time: 1 };
  var kindSched = D.kinds.map(function (k) { return !!SCHED[k]; });
  var kindName = D.kinds;
  function kind(i) { return kindName[D.k[i]]; }
  function str(j) { return D.strs[j]; }

  // Events of each lane, in order.
  var laneEv = [];
  (function () {
    var counts = new Array(lanes).fill(0);
    for (var i = 0; i < n; i++) if (D.n[i] >= 0) counts[D.n[i]]++;
    for (var l = 0; l < lanes; l++) laneEv.push(new Int32Array(counts[l]));
    var fill = new Array(lanes).fill(0);
    for (i = 0; i < n; i++) { var ln = D.n[i]; if (ln >= 0) laneEv[ln][fill[ln]++] = i; }
  })();
  // Rows: one per lane, or with goroutine rows one per goroutine of each lane (events without
  // a goroutine in a row of their own, first).
  var split = false, rows = [], laneRow0 = [], laneRowN = [], evRow = new Int32Array(n), totalRows = 1;
  var MAX_SPLIT_ROWS = 300;
  function goroutineRows() {
    var c = 0;
    for (var l = 0; l < lanes; l++) {
      var seen = {}, k = 0;
      for (var j = 0; j < laneEv[l].length; j++) { var g = D.g[laneEv[l][j]]; if (!seen[g]) { seen[g] = 1; k++; } }
      c += Math.max(k, 1);
    }
    return c;
  }
  var splitRows = goroutineRows();
  function buildRows() {
    rows = [];
    evRow.fill(-1);
    for (var l = 0; l < lanes; l++) {
      laneRow0[l] = rows.length;
      if (!split) {
        rows.push({ lane: l, g: -1, ev: laneEv[l] });
      } else {
        var byG = {}, keys = [];
        for (var j = 0; j < laneEv[l].length; j++) {
          var i = laneEv[l][j], g = D.g[i];
          if (!byG[g]) { byG[g] = []; keys.push(g); }
          byG[g].push(i);
        }
        keys.sort(function (a, b) { return a - b; });
        keys.forEach(function (g) { rows.push({ lane: l, g: g, ev: Int32Array.from(byG[g]) }); });
        if (!keys.length) rows.push({ lane: l, g: -1, ev: laneEv[l] });
      }
      laneRowN[l] = rows.length - laneRow0[l];
    }
    rows.forEach(function (r, ri) { for (var j = 0; j < r.ev.length; j++) evRow[r.ev[j]] = ri; });
    totalRows = Math.max(rows.length, 1);
  }

  // Events of each goroutine, for Shift+arrows.
  var gEv = {};
  for (var gi = 0; gi < n; gi++) if (D.g[gi]) (gEv[D.g[gi]] = gEv[D.g[gi]] || []).push(gi);
  // The message of each net event, to highlight its arrow.
  var msgOf = new Int32Array(n).fill(-1);
  D.msgs.forEach(function (m, mi) { for (var j = 0; j < 3; j++) if (m[j] >= 0) msgOf[m[j]] = mi; });

  // ---- Horizontal scales ----
  var X = new Float64Array(n);
  function computeX(mode) {
    var i;
    if (mode === "order") {
      for (i = 0; i < n; i++) X[i] = i;
    } else if (mode === "linear") {
      // Virtual time; events at the same instant are spread by step over a fraction of the
      // smallest clock jump, so they separate when zoomed in.
      var minGap = Infinity, maxGroup = 1, g = 1;
      for (i = 1; i < n; i++) {
        if (T[i] > T[i - 1]) { minGap = Math.min(minGap, T[i] - T[i - 1]); g = 1; } else { g++; if (g > maxGroup) maxGroup = g; }
      }
      var eps = isFinite(minGap) ? minGap / (maxGroup + 1) : 1;
      var r = 0;
      for (i = 0; i < n; i++) { r = (i > 0 && T[i] === T[i - 1]) ? r + 1 : 0; X[i] = T[i] + r * eps; }
    } else {
      // Compressed: one unit per event, plus a gap for each clock jump that grows with the
      // logarithm of the jump; the gaps take about a third of the width.
      var sumLog = 0;
      for (i = 1; i < n; i++) if (T[i] > T[i - 1]) sumLog += Math.log10(1 + (T[i] - T[i - 1]) / 1e3);
      var c = sumLog > 0 ? Math.max(2, 0.5 * n / sumLog) : 0;
      var x = 0;
      for (i = 0; i < n; i++) {
        if (i > 0) { x += 1; if (T[i] > T[i - 1]) x += c * Math.log10(1 + (T[i] - T[i - 1]) / 1e3); }
        X[i] = x;
      }
    }
  }

  // First index with arr[i] >= x (arr[idx[i]] with idx).
  function lowerBound(arr, x, idx) {
    var lo = 0, hi = idx ? idx.length : arr.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; var v = idx ? arr[idx[mid]] : arr[mid]; if (v < x) lo = mid + 1; else hi = mid; }
    return lo;
  }

  // ---- Layout ----
  var LABEL_W = 120, TOP = 22, AXIS = 34;
  var cv = document.getElementById("cv"), ctx = cv.getContext("2d");
  var diagram = document.getElementById("diagram"), laneBox = document.getElementById("lanes");
  var W = 600, H = 300, rowH = 40, dpr = window.devicePixelRatio || 1;
  var vx0 = 0, vs = 1; // view: X at the left edge, pixels per X unit

  function layout() {
    var avail = diagram.clientHeight || 500;
    rowH = Math.max(split ? 16 : 28, Math.min(80, Math.floor((avail - TOP - AXIS) / totalRows)));
    W = Math.max(200, (diagram.clientWidth || 800) - LABEL_W);
    H = TOP + totalRows * rowH + AXIS;
    cv.width = Math.round(W * dpr); cv.height = Math.round(H * dpr);
    cv.style.width = W + "px"; cv.style.height = H + "px";
    laneBox.style.height = H + "px";
    var labels = laneBox.children;
    for (var l = 0; l < labels.length; l++) {
      if (l >= lanes) break;
      labels[l].style.top = laneTop(l) + "px";
      labels[l].style.height = laneHt(l) + "px";
    }
  }
  function rowY(r) { return TOP + r * rowH + rowH / 2; }
  function evY(i) { return rowY(evRow[i]); }
  function laneTop(l) { return TOP + laneRow0[l] * rowH; }
  function laneHt(l) { return laneRowN[l] * rowH; }
  function laneMid(l) { return laneTop(l) + laneHt(l) / 2; }
  function px(i) { return (X[i] - vx0) * vs; }
  function lastX() { return n ? X[n - 1] : 1; }

  function fit() {
    var x0 = n ? X[0] : 0, x1 = lastX();
    var span = Math.max(x1 - x0, 1);
    vs = (W - 40) / span;
    vx0 = x0 - 20 / vs;
  }
  function zoom(f, atPx) {
    var xAt = vx0 + atPx / vs;
    vs = Math.min(Math.max(vs * f, 1e-15), 1e6);
    vx0 = xAt - atPx / vs;
    draw();
  }
  function center(i) {
    var p = px(i);
    if (p < 40 || p > W - 40) { vx0 = X[i] - W / 2 / vs; }
  }

  // ---- Drawing ----
  var DETAIL_CAP = 25000; // scheduling events drawn one by one at most; beyond, a density strip
  var sel = -1, selMsg = -1;
  var match = null, matchCount = 0;
  var COLORS = {
    run: "#a0aec0", spawn: "#2b6cb0", exit: "#4a5568", block: "#c53030", unblock: "#2f855a",
    log: "#d69e2e", "disk.sync": "#805ad5", node: "#1a202c", fault: "#e53e3e",
    "net.send": "#2b6cb0", "net.deliver": "#2b6cb0", "net.drop": "#c53030",
    // requests and responses of the translated net/rpc and net/http (rewrite/stdhooks)
    "rpc.call": "#dd6b20", "http.request": "#dd6b20", "rpc.serve": "#805ad5", "http.serve": "#805ad5",
    "rpc.respond": "#805ad5", "http.respond": "#805ad5", "rpc.done": "#38a169", "http.response": "#38a169",
    "http.error": "#c53030"
  };
  var SPAN_FILL = {
    partition: "rgba(229,62,62,0.18)", down: "rgba(45,55,72,0.35)", paused: "rgba(66,153,225,0.22)",
    clog: "rgba(221,107,32,0.22)", hold: "rgba(221,107,32,0.22)", latency: "rgba(221,107,32,0.16)"
  };

  function drawEvent(i, y, h) {
    var x = px(i), k = kind(i), r = Math.max(3, Math.min(6, h * 0.16));
    ctx.fillStyle = ctx.strokeStyle = COLORS[k] || "#319795";
    switch (k) {
      case "run":
        ctx.fillRect(x - 0.75, y - h * 0.3, 1.5, h * 0.6); break;
      case "spawn":
        ctx.lineWidth = 1.6; ctx.beginPath(); ctx.arc(x, y, r, 0, 6.2832); ctx.stroke(); break;
      case "exit":
        ctx.fillRect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6); break;
      case "block":
        ctx.beginPath(); ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y - r); ctx.lineTo(x, y + r * 0.8); ctx.fill(); break;
      case "unblock":
        ctx.beginPath(); ctx.moveTo(x - r, y + r); ctx.lineTo(x + r, y + r); ctx.lineTo(x, y - r * 0.8); ctx.fill(); break;
      case "log":
        ctx.beginPath(); ctx.moveTo(x, y - r * 1.2); ctx.lineTo(x + r * 1.2, y); ctx.lineTo(x, y + r * 1.2); ctx.lineTo(x - r * 1.2, y); ctx.fill(); break;
      case "disk.sync":
        ctx.fillRect(x - r, y - r, 2 * r, 2 * r); break;
      case "node":
        ctx.fillRect(x - 2, y - h * 0.45, 4, h * 0.9);
        ctx.font = "11px system-ui, sans-serif"; ctx.fillText(str(D.det[i]), x + 4, y - h * 0.45 + 10); break;
      case "net.send": case "net.deliver":
        ctx.beginPath(); ctx.arc(x, y, 2.2, 0, 6.2832); ctx.fill(); break;
      case "net.drop":
        ctx.lineWidth = 2; cross(x, y, 4); break;
      case "fault":
        break; // drawn with the marks and spans
      case "time": case "end": case "meta": case "result":
        break;
      default:
        ctx.beginPath(); ctx.arc(x, y, r * 0.8, 0, 6.2832); ctx.fill();
    }
  }
  function cross(x, y, s) {
    ctx.beginPath(); ctx.moveTo(x - s, y - s); ctx.lineTo(x + s, y + s); ctx.moveTo(x + s, y - s); ctx.lineTo(x - s, y + s); ctx.stroke();
  }
  function arrowHead(x1, y1, x2, y2, size) {
    var a = Math.atan2(y2 - y1, x2 - x1);
    ctx.beginPath(); ctx.moveTo(x2, y2);
    ctx.lineTo(x2 - size * Math.cos(a - 0.45), y2 - size * Math.sin(a - 0.45));
    ctx.lineTo(x2 - size * Math.cos(a + 0.45), y2 - size * Math.sin(a + 0.45));
    ctx.closePath(); ctx.fill();
  }
  function visible(x1, x2) { return Math.max(x1, x2) >= -20 && Math.min(x1, x2) <= W + 20; }
  function spanX2(sp) {
    if (sp.endT != null) return xAtTime(sp.endT);
    return sp.to >= 0 ? px(sp.to) : (lastX() - vx0) * vs + 6;
  }
  // The x of virtual time t: between the events around it, in proportion.
  function xAtTime(t) {
    var i = lowerBound(T, t);
    if (i >= n) return (lastX() - vx0) * vs + 6;
    if (i === 0 || T[i] === T[i - 1]) return px(i);
    return px(i - 1) + (px(i) - px(i - 1)) * (t - T[i - 1]) / (T[i] - T[i - 1]);
  }

  function drawMessages() {
    var arrows = [];
    var drops = [], flying = [], lone = [];
    for (var m = 0; m < D.msgs.length; m++) {
      var e = D.msgs[m], s = e[0], d = e[1], x = e[2];
      if (s >= 0 && d >= 0) {
        var x1 = px(s), x2 = px(d);
        if (!visible(x1, x2) || D.n[s] < 0 || D.n[d] < 0) continue;
        arrows.push([x1, evY(s), x2, evY(d)]);
      } else if (s >= 0 && x >= 0) drops.push(m);
      else if (s >= 0) flying.push(m);
      else lone.push(m);
    }
    // Many arrows in view fade, so that they read as traffic rather than a solid block.
    var alpha = arrows.length > 400 ? Math.max(0.1, 0.75 * 400 / arrows.length) : 0.75;
    ctx.lineWidth = 1.2;
    ctx.strokeStyle = "rgba(43,108,176," + alpha + ")";
    ctx.beginPath();
    arrows.forEach(function (a) { ctx.moveTo(a[0], a[1]); ctx.lineTo(a[2], a[3]); });
    ctx.stroke();
    ctx.fillStyle = "rgba(43,108,176," + Math.min(0.9, alpha + 0.15) + ")";
    if (arrows.length < 5000) arrows.forEach(function (a) { if (Math.abs(a[2] - a[0]) + Math.abs(a[3] - a[1]) > 12) arrowHead(a[0], a[1], a[2], a[3], 7); });

    // Dropped: a short arrow toward the receiver's lane, ending in an x.
    ctx.strokeStyle = ctx.fillStyle = "#c53030";
    drops.forEach(function (m) {
      var e = D.msgs[m], s = e[0], x = e[2];
      if (D.n[s] < 0) return;
      var x1 = px(s), y1 = evY(s);
      var recv = D.peer[x] >= 0 ? D.peer[x] : D.peer[s];
      var ty = recv >= 0 && recv !== D.n[s] ? laneMid(recv) : y1 + rowH;
      var x2 = Math.max(px(x), x1 + 18), y2 = y1 + Math.sign(ty - y1) * Math.min(Math.abs(ty - y1) * 0.45, 26);
      if (!visible(x1, x2)) return;
      ctx.lineWidth = 1.2; ctx.beginPath(); ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); ctx.stroke();
      ctx.lineWidth = 2; cross(x2, y2, 4);
    });
    // In flight at the end: a dashed stub.
    ctx.strokeStyle = "#a0aec0"; ctx.lineWidth = 1.2; ctx.setLineDash([3, 3]);
    flying.forEach(function (m) {
      var s = D.msgs[m][0];
      if (D.n[s] < 0) return;
      var x1 = px(s), y1 = evY(s);
      var recv = D.peer[s], ty = recv >= 0 && recv !== D.n[s] ? laneMid(recv) : y1 + rowH;
      if (!visible(x1, x1 + 30)) return;
      ctx.beginPath(); ctx.moveTo(x1, y1); ctx.lineTo(x1 + 30, y1 + Math.sign(ty - y1) * Math.min(Math.abs(ty - y1) * 0.35, 20)); ctx.stroke();
    });
    ctx.setLineDash([]);
    // A delivery or drop without its send: a short arrow into it.
    ctx.strokeStyle = ctx.fillStyle = "#718096";
    lone.forEach(function (m) {
      var e = D.msgs[m], i = e[1] >= 0 ? e[1] : e[2];
      if (i < 0 || D.n[i] < 0) return;
      var x2 = px(i), y2 = evY(i);
      if (!visible(x2 - 20, x2)) return;
      ctx.lineWidth = 1.2; ctx.beginPath(); ctx.moveTo(x2 - 20, y2 - 14); ctx.lineTo(x2, y2); ctx.stroke();
      arrowHead(x2 - 20, y2 - 14, x2, y2, 6);
    });
  }

  function highlightMsg(m) {
    var e = D.msgs[m], s = e[0], d = e[1] >= 0 ? e[1] : e[2];
    if (s < 0 || d < 0 || D.n[s] < 0 || D.n[d] < 0) return;
    var y1 = evY(s), ty = D.peer[d] >= 0 && D.peer[d] !== D.n[s] ? laneMid(D.peer[d]) : y1 + rowH;
    var y2 = e[1] >= 0 ? evY(d) : y1 + Math.sign(ty - y1) * Math.min(Math.abs(ty - y1) * 0.45, 26);
    var x2 = e[1] >= 0 ? px(d) : Math.max(px(d), px(s) + 18);
    ctx.strokeStyle = "#dd6b20"; ctx.lineWidth = 3;
    ctx.beginPath(); ctx.moveTo(px(s), y1); ctx.lineTo(x2, y2); ctx.stroke();
  }

  function drawAxis() {
    var y = TOP + totalRows * rowH;
    ctx.fillStyle = "#fff"; ctx.fillRect(0, y, W, AXIS);
    ctx.strokeStyle = "#a0aec0"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(0, y + 0.5); ctx.lineTo(W, y + 0.5); ctx.stroke();
    ctx.fillStyle = "#4a5568"; ctx.font = "11px system-ui, sans-serif";
    if (!n) return;
    if (scaleMode === "linear") {
      var t0 = vx0, t1 = vx0 + W / vs, span = t1 - t0;
      var raw = span / Math.max(W / 110, 1), p = Math.pow(10, Math.floor(Math.log10(raw))), step = p;
      [1, 2, 5, 10].some(function (m) { step = m * p; return step >= raw; });
      for (var t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
        var x = (t - vx0) * vs;
        ctx.fillRect(x, y, 1, 5);
        ctx.fillText(fmtDur(t), x + 2, y + 16);
      }
    } else {
      var last = -1;
      for (var xp = 10; xp < W - 40; xp += 130) {
        var i = Math.min(lowerBound(X, vx0 + xp / vs), n - 1);
        if (i === last) continue;
        last = i;
        var x2 = px(i);
        if (x2 < 0 || x2 > W) continue;
        ctx.fillRect(x2, y, 1, 5);
        ctx.fillText(fmtDur(T[i]), x2 + 2, y + 15);
        ctx.fillStyle = "#a0aec0"; ctx.fillText("step " + S[i], x2 + 2, y + 28); ctx.fillStyle = "#4a5568";
      }
    }
  }

  var scaleMode = "compressed";
  var statusEl = document.getElementById("status");
  function draw() {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    var l, i;
    for (l = 0; l < lanes; l++) {
      ctx.fillStyle = l % 2 ? "#f7fafc" : "#ffffff";
      ctx.fillRect(0, laneTop(l), W, laneHt(l));
      ctx.fillStyle = "#e2e8f0"; ctx.fillRect(0, laneTop(l) + laneHt(l) - 1, W, 1);
    }
    for (var r = 0; r < rows.length; r++) {
      var ev = rows[r].ev;
      if (ev.length) {
        var a = Math.max(px(ev[0]), 0), b = Math.min(px(ev[ev.length - 1]), W);
        if (b >= a) { ctx.fillStyle = "#cbd5e0"; ctx.fillRect(a, rowY(r) - 0.5, b - a, 1); }
      }
    }
    // Shaded periods. A lane's own periods are labelled at its bottom, in rows that do not
    // overlap; periods of several lanes or the whole diagram at their top.
    var labelRows = {};
    D.spans.forEach(function (sp) {
      var x1 = px(sp.from), x2 = spanX2(sp);
      if (!visible(x1, x2)) return;
      x1 = Math.max(x1, -2); x2 = Math.min(Math.max(x2, x1 + 3), W + 2);
      ctx.fillStyle = SPAN_FILL[sp.k] || "rgba(221,107,32,0.2)";
      var top;
      if (!sp.nodes.length) { top = TOP; ctx.fillRect(x1, TOP, x2 - x1, totalRows * rowH); }
      else {
        top = laneTop(Math.min.apply(null, sp.nodes));
        sp.nodes.forEach(function (ln) { ctx.fillRect(x1, laneTop(ln) + 1, x2 - x1, laneHt(ln) - 2); });
      }
      if (x2 - x1 > 40) {
        // Whole-diagram and multi-lane periods are labelled at their top; a lane's own at the
        // bottom, clear of the node event labels.
        ctx.font = "10px system-ui, sans-serif";
        var lx = Math.max(x1, 0) + 3, lw = Math.min(ctx.measureText(sp.label).width, x2 - lx - 3), ly = top + 11;
        if (sp.nodes.length === 1) {
          var rows = labelRows[sp.nodes[0]] = labelRows[sp.nodes[0]] || [], r = 0;
          while (r < rows.length && rows[r] > lx) r++;
          rows[r] = lx + lw + 6;
          ly = top + laneHt(sp.nodes[0]) - 4 - r * 11;
        }
        ctx.fillStyle = sp.k === "down" ? "#1a202c" : "#9b2c2c";
        ctx.fillText(sp.label, lx, ly, x2 - lx - 3);
      }
    });
    // Instantaneous faults, and the end of the run.
    ctx.setLineDash([4, 3]); ctx.lineWidth = 1.5;
    D.marks.forEach(function (m) {
      var x = px(m);
      if (x < -5 || x > W + 5) return;
      ctx.strokeStyle = ctx.fillStyle = "#e53e3e";
      var ln = D.n[m], y0 = ln >= 0 ? laneTop(ln) : 2, y1 = ln >= 0 ? y0 + laneHt(ln) : TOP + totalRows * rowH;
      ctx.beginPath(); ctx.moveTo(x, y0); ctx.lineTo(x, y1); ctx.stroke();
      ctx.font = "10px system-ui, sans-serif"; ctx.fillText(str(D.det[m]) || "fault", x + 3, ln >= 0 ? y0 + 10 : 12);
    });
    ctx.setLineDash([]);
    if (n && D.ended) {
      var xe = px(n - 1);
      if (xe >= 0 && xe <= W) {
        ctx.fillStyle = "#1a202c"; ctx.fillRect(xe - 1, TOP - 6, 2, totalRows * rowH + 6);
        ctx.font = "10px system-ui, sans-serif"; ctx.fillText("end", Math.min(xe + 3, W - 22), TOP - 8);
      }
    }

    var lo = lowerBound(X, vx0 - 30 / vs), hi = lowerBound(X, vx0 + (W + 30) / vs);
    // Search matches under the events.
    if (match) {
      ctx.fillStyle = "rgba(236,201,75,0.55)";
      for (i = lo; i < hi; i++) if (match[i] && evRow[i] >= 0) ctx.fillRect(px(i) - 4, evY(i) - rowH * 0.42, 8, rowH * 0.84);
    }
    drawMessages();
    if (selMsg >= 0) highlightMsg(selMsg);

    var sched = 0;
    for (i = lo; i < hi; i++) if (kindSched[D.k[i]]) sched++;
    var h = rowH;
    if (sched <= DETAIL_CAP) {
      for (i = lo; i < hi; i++) if (evRow[i] >= 0) drawEvent(i, evY(i), h);
      statusEl.textContent = (hi - lo) + " events in view";
    } else {
      // Too many to draw one by one: the scheduling events become a density strip per lane
      // (2-pixel buckets); every other event is still drawn.
      var B = Math.ceil(W / 2) + 1, counts = new Uint32Array(rows.length * B);
      for (i = lo; i < hi; i++) {
        var ro = evRow[i];
        if (ro < 0) continue;
        if (kindSched[D.k[i]]) {
          var bk = Math.floor(px(i) / 2);
          if (bk >= 0 && bk < B) counts[ro * B + bk]++;
        } else drawEvent(i, rowY(ro), h);
      }
      for (l = 0; l < rows.length; l++) {
        var yl = rowY(l);
        for (var bb = 0; bb < B; bb++) {
          var c = counts[l * B + bb];
          if (!c) continue;
          ctx.fillStyle = "rgba(74,85,104," + Math.min(0.9, 0.12 + Math.log2(c + 1) / 10) + ")";
          ctx.fillRect(bb * 2, yl - h * 0.22, 2, h * 0.44);
        }
      }
      statusEl.textContent = (hi - lo) + " events in view; scheduling events shown as density, zoom in to see each one";
    }
    if (sel >= 0 && evRow[sel] >= 0) {
      ctx.strokeStyle = "#dd6b20"; ctx.lineWidth = 2;
      ctx.strokeRect(px(sel) - 7, evY(sel) - 9, 14, 18);
    }
    if (split) {
      ctx.font = "10px system-ui, sans-serif"; ctx.fillStyle = "#718096";
      rows.forEach(function (ro, ri) {
        if (ro.g < 0) return;
        var label = ro.g ? "g" + ro.g : "no g", y = rowY(ri);
        ctx.fillStyle = "rgba(255,255,255,0.85)"; ctx.fillRect(0, y - 7, ctx.measureText(label).width + 6, 13);
        ctx.fillStyle = "#718096"; ctx.fillText(label, 3, y + 3);
      });
    }
    drawAxis();
    // Top strip: the time at the left edge of the view.
    ctx.fillStyle = "#718096"; ctx.font = "10px system-ui, sans-serif";
    if (n) ctx.fillText("view starts at " + fmtDur(T[Math.min(lo, n - 1)]) + ", step " + S[Math.min(lo, n - 1)], 4, 12);
  }

  // ---- Formatting ----
  function fmtDur(ns) {
    if (ns === 0) return "0s";
    var neg = ns < 0; ns = Math.abs(ns);
    var s;
    if (ns < 1e3) s = trim(ns.toFixed(0)) + "ns";
    else if (ns < 1e6) s = trim((ns / 1e3).toFixed(3)) + "µs";
    else if (ns < 1e9) s = trim((ns / 1e6).toFixed(6)) + "ms";
    else if (ns < 60e9) s = trim((ns / 1e9).toFixed(9)) + "s";
    else {
      var h = Math.floor(ns / 3600e9), m = Math.floor((ns % 3600e9) / 60e9), sec = (ns % 60e9) / 1e9;
      s = (h ? h + "h" : "") + m + "m" + trim(sec.toFixed(9)) + "s";
    }
    return (neg ? "-" : "") + s;
  }
  function trim(v) { return v.indexOf(".") >= 0 ? v.replace(/0+$/, "").replace(/\.$/, "") : v; }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function describe(i) {
    var parts = [];
    if (D.g[i]) parts.push("g" + D.g[i]);
    if (D.n[i] >= 0) parts.push("on " + nodes[D.n[i]]);
    var op = kind(i);
    if (D.rsn[i]) op += " (" + str(D.rsn[i]) + ")";
    if (D.det[i]) op += " " + str(D.det[i]);
    if (D.peer[i] >= 0) op += (kind(i) === "net.deliver" ? " from " : " to ") + nodes[D.peer[i]];
    parts.push(op);
    if (D.pos[i]) parts.push("at " + str(D.pos[i]));
    return "#" + (D.idx[i] + 1) + " step " + S[i] + ", " + fmtDur(T[i]) + ": " + parts.join(" ");
  }

  // ---- Selection and the side panel ----
  var details = document.getElementById("details");
  function jump(i) { return '<a class="jump" data-ev="' + i + '">' + esc(describe(i)) + "</a>"; }
  function select(i, recenter) {
    sel = i;
    selMsg = i >= 0 ? msgOf[i] : -1;
    var labels = laneBox.children;
    for (var l = 0; l < labels.length; l++) labels[l].classList.toggle("sel", i >= 0 && D.n[i] === l);
    if (i < 0) { draw(); return; }
    if (recenter) center(i);
    var rows = [
      ["event", "#" + (D.idx[i] + 1) + " of " + D.total],
      ["time", fmtDur(T[i]) + " (" + T[i] + " ns)"],
      ["step", S[i]],
      ["kind", kind(i)],
      ["node", D.n[i] >= 0 ? nodes[D.n[i]] : ""],
      ["goroutine", D.g[i] ? "g" + D.g[i] : ""],
      ["reason", str(D.rsn[i])],
      ["position", str(D.pos[i])],
      ["peer", D.peer[i] >= 0 ? nodes[D.peer[i]] : ""],
      ["message", D.msg[i] || ""],
      ["size", D.size[i] ? D.size[i] + " bytes" : ""],
      ["detail", str(D.det[i])]
    ];
    var html = '<table class="ev">';
    rows.forEach(function (r) {
      if (r[1] === "" && ["reason", "position", "peer", "message", "size", "detail", "node", "goroutine"].indexOf(r[0]) >= 0) return;
      html += "<tr><td>" + r[0] + '</td><td class="mono">' + esc(r[1]) + "</td></tr>";
    });
    html += "</table>";
    if (selMsg >= 0) {
      var m = D.msgs[selMsg];
      html += "<h2>Message</h2><table class=\"ev\">";
      if (m[0] >= 0) html += "<tr><td>sent</td><td>" + jump(m[0]) + "</td></tr>";
      if (m[1] >= 0) html += "<tr><td>delivered</td><td>" + jump(m[1]) + "</td></tr>";
      if (m[2] >= 0) html += "<tr><td>dropped</td><td>" + jump(m[2]) + (D.rsn[m[2]] ? " (" + esc(str(D.rsn[m[2]])) + ")" : "") + "</td></tr>";
      if (m[0] >= 0 && m[1] >= 0) html += "<tr><td>latency</td><td>" + fmtDur(T[m[1]] - T[m[0]]) + "</td></tr>";
      if (m[0] >= 0 && m[1] < 0 && m[2] < 0) html += "<tr><td>status</td><td>still in flight when the trace ends</td></tr>";
      html += "</table>";
    }
    if (D.g[i] && gEv[D.g[i]]) {
      var ge = gEv[D.g[i]], gi = ge.indexOf(i);
      html += "<h2>Goroutine g" + D.g[i] + "</h2><table class=\"ev\">";
      if (gi > 0) html += "<tr><td>before</td><td>" + jump(ge[gi - 1]) + "</td></tr>";
      if (gi + 1 < ge.length) html += "<tr><td>after</td><td>" + jump(ge[gi + 1]) + "</td></tr>";
      html += "<tr><td>events</td><td>" + ge.length + "</td></tr></table>";
    }
    details.innerHTML = html;
    draw();
  }
  details.addEventListener("click", function (e) {
    var a = e.target.closest("a.jump");
    if (a) select(+a.getAttribute("data-ev"), true);
  });

  // The event nearest to (mx, my) within a few pixels, preferring events other than run.
  function hit(mx, my) {
    var r = Math.floor((my - TOP) / rowH);
    var best = -1, bestD = 9;
    if (r >= 0 && r < rows.length) {
      var ev = rows[r].ev, j = lowerBound(X, vx0 + mx / vs, ev);
      for (var k = Math.max(0, j - 40); k < Math.min(ev.length, j + 40); k++) {
        var d = Math.abs(px(ev[k]) - mx) + (kind(ev[k]) === "run" ? 2 : 0);
        if (d < bestD) { bestD = d; best = ev[k]; }
      }
    }
    if (best < 0) {
      D.marks.forEach(function (m) { var d = Math.abs(px(m) - mx); if (d < bestD) { bestD = d; best = m; } });
    }
    return best;
  }

  // ---- Lanes ----
  nodes.forEach(function (name, l) {
    var div = document.createElement("div");
    div.className = "lane-label";
    div.setAttribute("data-node", name);
    div.title = name + ": " + laneEv[l].length + " events";
    div.textContent = name;
    laneBox.appendChild(div);
  });
  if (!lanes) {
    var empty = document.createElement("div");
    empty.className = "lane-label";
    empty.textContent = "(no node)";
    laneBox.appendChild(empty);
  }

  // ---- Interaction ----
  var tip = document.getElementById("tip");
  var drag = null;
  function mpos(e) { var r = cv.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
  cv.addEventListener("mousedown", function (e) {
    var p = mpos(e);
    drag = { x: p[0], y: p[1], vx0: vx0, moved: false };
    cv.classList.add("dragging");
  });
  window.addEventListener("mousemove", function (e) {
    var p = mpos(e);
    if (drag) {
      var dx = p[0] - drag.x;
      if (Math.abs(dx) > 3) drag.moved = true;
      if (drag.moved) { vx0 = drag.vx0 - dx / vs; draw(); }
      return;
    }
    if (p[0] < 0 || p[1] < 0 || p[0] > W || p[1] > H) { tip.style.display = "none"; return; }
    var i = hit(p[0], p[1]);
    if (i >= 0) {
      tip.textContent = describe(i);
      tip.style.display = "block";
      tip.style.left = Math.min(e.clientX + 12, window.innerWidth - 360) + "px";
      tip.style.top = (e.clientY + 14) + "px";
    } else tip.style.display = "none";
  });
  window.addEventListener("mouseup", function (e) {
    if (!drag) return;
    var p = mpos(e), moved = drag.moved;
    drag = null; cv.classList.remove("dragging");
    if (!moved) select(hit(p[0], p[1]), false);
  });
  cv.addEventListener("wheel", function (e) {
    e.preventDefault();
    var p = mpos(e);
    if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) { vx0 += e.deltaX / vs; draw(); return; }
    zoom(Math.pow(1.0015, -e.deltaY), p[0]);
  }, { passive: false });
  document.getElementById("fit").onclick = function () { fit(); draw(); };
  document.getElementById("zin").onclick = function () { zoom(2, W / 2); };
  document.getElementById("zout").onclick = function () { zoom(0.5, W / 2); };
  var splitEl = document.getElementById("split");
  if (splitRows > MAX_SPLIT_ROWS) {
    splitEl.disabled = true;
    splitEl.parentNode.title = splitRows + " goroutine rows are too many to draw";
  }
  splitEl.onchange = function () {
    split = splitEl.checked;
    buildRows();
    layout();
    draw();
  };
  var scaleEl = document.getElementById("scale");
  scaleEl.onchange = function () {
    scaleMode = scaleEl.value;
    computeX(scaleMode);
    fit();
    if (sel >= 0) { vs *= 20; center(sel); vx0 = X[sel] - W / 2 / vs; }
    draw();
  };

  function stepLane(dir, byG) {
    if (sel < 0) return;
    var list = byG ? gEv[D.g[sel]] : (D.n[sel] >= 0 ? laneEv[D.n[sel]] : null);
    if (!list) return;
    var j = Array.prototype.indexOf.call(list, sel) + dir;
    if (j >= 0 && j < list.length) select(list[j], true);
  }
  window.addEventListener("keydown", function (e) {
    if (e.target && e.target.tagName === "INPUT") return;
    switch (e.key) {
      case "ArrowLeft": stepLane(-1, e.shiftKey); e.preventDefault(); break;
      case "ArrowRight": stepLane(1, e.shiftKey); e.preventDefault(); break;
      case "+": case "=": zoom(2, sel >= 0 ? px(sel) : W / 2); break;
      case "-": zoom(0.5, sel >= 0 ? px(sel) : W / 2); break;
      case "f": fit(); draw(); break;
      case "Escape": select(-1); details.innerHTML = ""; break;
    }
  });

  // Highlighting: "g12" matches goroutine 12; anything else matches kind, node, reason,
  // position or detail containing it.
  var findEl = document.getElementById("find"), matchesEl = document.getElementById("matches");
  function runFind() {
    var q = findEl.value.trim().toLowerCase();
    if (!q) { match = null; matchesEl.textContent = ""; draw(); return; }
    match = new Uint8Array(n); matchCount = 0;
    var gm = /^g(\d+)$/.exec(q), g = gm ? +gm[1] : -1;
    var strHit = D.strs.map(function (s) { return s.toLowerCase().indexOf(q) >= 0; });
    var kindHit = D.kinds.map(function (s) { return s.toLowerCase().indexOf(q) >= 0; });
    var nodeHit = nodes.map(function (s) { return s.toLowerCase() === q; });
    for (var i = 0; i < n; i++) {
      var ok = g >= 0 ? D.g[i] === g :
        kindHit[D.k[i]] || strHit[D.pos[i]] || strHit[D.rsn[i]] || strHit[D.det[i]] || (D.n[i] >= 0 && nodeHit[D.n[i]]);
      if (ok) { match[i] = 1; matchCount++; }
    }
    matchesEl.textContent = matchCount + " match" + (matchCount === 1 ? "" : "es");
    draw();
  }
  var findTimer = 0;
  findEl.addEventListener("input", function () { clearTimeout(findTimer); findTimer = setTimeout(runFind, 150); });
  findEl.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || !match) return;
    for (var k = 1; k <= n; k++) {
      var i = (Math.max(sel, -1) + k + n) % n;
      if (match[i]) { select(i, true); return; }
    }
  });

  window.addEventListener("resize", function () { var c = vx0 + W / 2 / vs; layout(); vx0 = c - W / 2 / vs; draw(); });

  // #scale=linear (or order, compressed) in the address chooses the scale.
  var scaleHash = /scale=(linear|order|compressed)/.exec(location.hash);
  if (scaleHash) scaleMode = scaleEl.value = scaleHash[1];
  computeX(scaleMode);
  // Goroutine rows by default for a single node, where lanes alone say little.
  // #rows=1 or #rows=0 in the address chooses.
  split = lanes <= 1 && splitRows > 1;
  var rowsHash = /rows=([01])/.exec(location.hash);
  if (rowsHash) split = rowsHash[1] === "1";
  split = splitEl.checked = split && splitRows <= MAX_SPLIT_ROWS;
  buildRows();
  layout();
  fit();
  draw();
  // page.html#event=N selects event N (numbered from 1, as in simgen trace diff) and zooms
  // in around it; #rows=1&event=N also turns goroutine rows on.
  function fromHash() {
    var m = /event=(\d+)/.exec(location.hash);
    if (!m) return;
    var want = +m[1] - 1, i = Math.min(lowerBound(D.idx, want), n - 1);
    if (i < 0) return;
    var a = Math.max(0, i - 60), b = Math.min(n - 1, i + 60);
    vs = (W - 40) / Math.max(X[b] - X[a], 1);
    vx0 = X[i] - W / 2 / vs;
    select(i, false);
  }
  fromHash();
  window.addEventListener("hashchange", fromHash);
  document.body.setAttribute("data-rendered", String(n));
  // How long the script took, and the page since navigation began (for the tests' logs).
  document.body.setAttribute("data-script-ms", String(Math.round(performance.now() - started)));
  document.body.setAttribute("data-load-ms", String(Math.round(performance.now())));
})();
