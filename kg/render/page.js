/* Behaviour of the knowledge-graph page.
 *
 * Reads the JSON in <script id="kg-data"> (written by kg.render.payload), draws it with
 * vis-network and wires the legend, search box, details panel, suggested links and colour
 * modes. Every piece of note text reaches the DOM through textContent or vis-network's plain
 * text tooltips, never as HTML; only http(s) URLs become links.
 *
 * Large graphs open as a map (D.map): one bubble per community, hubs set aside. Which nodes
 * are in vis-network's DataSet follows from the view state (open communities, focus,
 * related works, orbit, hubs, "show all"); filters (type, year, suggestions) only hide.
 *
 * window.network is the vis-network Network; window.kg exposes the data and a few helpers
 * (focusNode, neighbours, showPanel, clearSelection, setSuggestions, openCommunity,
 * closeCommunity, showMap, setDepth, setYears, setRelated, setHubs, visibleIds) for scripts
 * and tests.
 */
(function () {
  "use strict";

  function now() { return (window.performance && performance.now) ? performance.now() : Date.now(); }
  var timings = { start: now() };
  var D = JSON.parse(document.getElementById("kg-data").textContent);
  timings.parsed = now();
  var N = D.nodes.id.length;
  var LARGE = D.xy !== null;            // a Python layout was computed: physics off
  var MAP = !!D.map;                     // opens as a map of communities
  var K = MAP ? D.map.bubbles.length : 0;
  var comm = MAP ? D.map.comm : null;
  var isHub = new Uint8Array(N);
  if (MAP) { D.map.hubs.forEach(function (h) { isHub[h] = 1; }); }
  // physics steps before the first draw: 250 for small graphs, fewer (down to 40) as they grow
  var STABILISE_STEPS = Math.round(Math.max(40, Math.min(250, 12000 / Math.max(N, 1))));
  var TYPE_COLOURS = {
    post: "#4e79a7", topic: "#59a14f", method: "#f28e2b", paper: "#e15759", venue: "#b07aa1"
  };
  var EXTRA_COLOURS = ["#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac"];
  var SUGGEST_COLOUR = "#d97706";
  var SUGGEST_DRAWN = 1;    // dashed links drawn per node (its best); the panel lists them all
  var LINKS_SHOWN = 40;     // links listed in the details panel

  function typeColour(t) {
    var name = D.types[t];
    return TYPE_COLOURS[name] || EXTRA_COLOURS[t % EXTRA_COLOURS.length];
  }

  // ---- symmetry classes: classes with 2+ members get a hue, singletons are grey -------
  var symCount = Object.create(null);
  var symHue = Object.create(null);
  var symShared = 0;
  if (D.sym) {
    D.sym.forEach(function (c) { symCount[c] = (symCount[c] || 0) + 1; });
    var k = 0;
    Object.keys(symCount).sort(function (a, b) { return symCount[b] - symCount[a]; })
      .forEach(function (c) {
        if (symCount[c] > 1 && c !== "-1") { symHue[c] = (k * 137.508) % 360; k += 1; }
      });
    symShared = k;
  }
  function symColour(i) {
    var c = D.sym[i];
    return (c in symHue) ? "hsl(" + symHue[c].toFixed(1) + ",70%,50%)" : "#c8c8c8";
  }

  var colourMode = (D.colour === "symmetry" && D.sym) ? "symmetry" : "type";
  function baseColour(i) {
    return (colourMode === "symmetry" && D.sym) ? symColour(i) : typeColour(D.nodes.type[i]);
  }
  function nodeSize(i) {
    return 6 + 3 * Math.sqrt(D.nodes.deg[i]);
  }

  // ---- nodes and edges ---------------------------------------------------------------
  var LABEL_CHARS = 40;     // longer labels are shortened on the canvas (full in the panel)
  function short(text) {
    return text.length > LABEL_CHARS ? text.slice(0, LABEL_CHARS - 1) + "…" : text;
  }
  var ids = D.nodes.id;
  var labels = D.nodes.label;
  var indexOf = Object.create(null);  // node id -> index (no prototype keys)
  for (var i = 0; i < N; i++) { indexOf[ids[i]] = i; }
  var savedXY = Object.create(null);  // positions of nodes taken out of the view (physics pages)
  function makeItem(j) {
    var item = {
      id: ids[j],
      label: LARGE ? undefined : short(labels[j]),   // large graphs: labels drawn by the overlay
      title: labels[j] + "\n(" + D.types[D.nodes.type[j]] + ")",
      color: baseColour(j),
      size: nodeSize(j)
    };
    if (LARGE) { item.x = D.xy[2 * j]; item.y = D.xy[2 * j + 1]; }
    else if (savedXY[ids[j]]) { item.x = savedXY[ids[j]].x; item.y = savedXY[ids[j]].y; }
    return item;
  }
  // which nodes are in the DataSet now (map pages start with bubbles only)
  var present = new Uint8Array(N);
  var nodeItems = [];
  if (!MAP) {
    for (var i0 = 0; i0 < N; i0++) { nodeItems.push(makeItem(i0)); present[i0] = 1; }
  }
  // Links. Small graphs give them to vis-network as edges (tooltips, hover, arrows). Large
  // graphs draw them on the canvas themselves (see drawLargeLinks): creating tens of
  // thousands of vis-network edge objects was most of the time to the first draw.
  var E = D.edges.length / 3;
  var edgeItems = [];
  if (!LARGE) {
    for (var e = 0; e < D.edges.length; e += 3) {
      edgeItems.push({
        id: "e" + (e / 3),
        from: ids[D.edges[e]],
        to: ids[D.edges[e + 1]],
        title: D.relations[D.edges[e + 2]]
      });
    }
  }
  // adjacency (both directions) in compressed rows: adj[start[i] .. start[i + 1]) = [node, edge]
  var start = new Int32Array(N + 1);
  for (var e2 = 0; e2 < D.edges.length; e2 += 3) {
    start[D.edges[e2] + 1] += 1;
    start[D.edges[e2 + 1] + 1] += 1;
  }
  for (var s2 = 0; s2 < N; s2++) { start[s2 + 1] += start[s2]; }
  var adjNode = new Int32Array(2 * E);
  var adjEdge = new Int32Array(2 * E);
  (function () {
    var fill = start.slice(0, N);
    for (var k = 0; k < E; k++) {
      var a = D.edges[3 * k], b = D.edges[3 * k + 1];
      adjNode[fill[a]] = b; adjEdge[fill[a]] = k; fill[a] += 1;
      adjNode[fill[b]] = a; adjEdge[fill[b]] = k; fill[b] += 1;
    }
  })();
  function neighbours(i) {
    var seen = {}, out = [];
    for (var k = start[i]; k < start[i + 1]; k++) {
      var j = adjNode[k];
      if (j !== i && !seen[j]) { seen[j] = true; out.push(j); }
    }
    return out;
  }
  timings.items = now();
  // ---- community bubbles (map pages) -------------------------------------------------------
  var BUBBLE_COLOURS = ["#4e79a7", "#59a14f", "#f28e2b", "#e15759", "#76b7b2", "#b07aa1",
    "#edc948", "#9c755f", "#ff9da7", "#86bcb6"];
  var BUBBLE_FONT_PX = 14;
  function bubbleId(c) { return -1 - c; }   // numbers: never equal to a (string) node id
  function bubbleLabel(c) { return D.map.bubbles[c].label.join("\n"); }
  function bubbleItem(c) {
    var b = D.map.bubbles[c];
    var col = BUBBLE_COLOURS[c % BUBBLE_COLOURS.length];
    return {
      id: bubbleId(c), label: bubbleLabel(c), x: b.x, y: b.y, size: b.size, shape: "dot",
      color: { background: col, border: "#333", highlight: { background: col, border: "#000" },
        hover: { background: col, border: "#000" } },
      borderWidth: 1.5, opacity: 0.9,
      title: b.label.join("\n") + "\n" + b.n + " nodes (click to open)",
      font: { size: BUBBLE_FONT_PX, face: "system-ui, sans-serif", multi: false,
        strokeWidth: 4, strokeColor: "#ffffff", color: "#111" }
    };
  }
  var bubbleOn = new Uint8Array(K);
  var bubbleLinks = [];
  if (MAP) {
    for (var c0 = 0; c0 < K; c0++) { nodeItems.push(bubbleItem(c0)); bubbleOn[c0] = 1; }
    (function () {  // each community's strongest links to others, so the map stays clear
      var L = D.map.links, best = [];
      for (var q = 0; q < L.length; q += 3) { best.push([L[q], L[q + 1], L[q + 2]]); }
      best.sort(function (a, b) { return b[2] - a[2]; });
      var per = new Int32Array(K);
      best.forEach(function (r) {
        if (per[r[0]] >= 3 && per[r[1]] >= 3) { return; }
        per[r[0]] += 1; per[r[1]] += 1;
        bubbleLinks.push({
          id: "c:" + r[0] + "-" + r[1], from: bubbleId(r[0]), to: bubbleId(r[1]),
          width: Math.min(6, 0.6 + Math.log(1 + r[2])), title: r[2] + " links",
          color: { color: "rgba(120,130,145,0.45)", inherit: false }, arrows: { to: { enabled: false } }
        });
      });
    })();
    edgeItems = edgeItems.concat(bubbleLinks);
  }
  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  timings.datasets = now();

  var options = {
    autoResize: true,
    nodes: {
      shape: "dot",
      borderWidth: LARGE ? 0 : 1,
      font: { size: 14, face: "system-ui, sans-serif", strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: { label: { enabled: false, drawThreshold: 6 } }
    },
    edges: {
      color: { color: "#b9c0c8", highlight: "#555", hover: "#555", inherit: false },
      width: 1,
      smooth: false,
      arrows: LARGE ? {} : { to: { enabled: true, scaleFactor: 0.4 } },
      selectionWidth: 1.5
    },
    layout: { improvedLayout: false, randomSeed: 7 },
    interaction: {
      hover: !LARGE,
      tooltipDelay: 250,
      hideEdgesOnDrag: LARGE,
      hideEdgesOnZoom: LARGE,
      navigationButtons: false,
      keyboard: false
    },
    physics: LARGE ? { enabled: false } : {
      enabled: true,
      solver: "barnesHut",
      barnesHut: {
        gravitationalConstant: -4000, centralGravity: 0.25, springLength: 110,
        springConstant: 0.04, damping: 0.35, avoidOverlap: 0.1
      },
      minVelocity: 1,
      // settled before the first draw, in fewer steps as graphs grow; physics then goes on live
      stabilization: {
        enabled: N > 0, iterations: STABILISE_STEPS, updateInterval: 25, fit: true
      }
    }
  };

  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.network = network;
  timings.network = now();

  var scriptDone = false;   // data-ready waits for both the first draw and window.kg
  network.once("afterDrawing", function () {
    timings.firstDraw = now();
    window.kgFirstDrawMs = timings.firstDraw;   // ms since navigation start
    if (scriptDone) { document.body.setAttribute("data-ready", "1"); }
  });
  network.once("stabilizationIterationsDone", function () {
    document.body.setAttribute("data-stable", "1");
  });
  if (LARGE || N === 0) { document.body.setAttribute("data-stable", "1"); }

  // ---- small DOM helpers (text only) ----------------------------------------------------
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function typeBadge(name) {
    var b = el("span", name, "kg-type");
    var t = D.types.indexOf(name);
    b.style.background = t >= 0 ? typeColour(t) : "#888";
    return b;
  }
  function isHttp(url) {
    try {
      var p = new URL(url).protocol;
      return p === "http:" || p === "https:";
    } catch (err) {
      return false;
    }
  }

  // ---- status line ------------------------------------------------------------------------
  function plural(k, word) { return k + " " + word + (k === 1 ? "" : "s"); }
  var status = document.getElementById("kg-status");
  function setStatus() {
    status.textContent = N === 0 ? "empty graph: no notes were parsed" :
      plural(N, "node") + " · " + plural(E, "link") + " · " +
      (MAP ? plural(K, "community") .replace("communitys", "communities") + " · " +
        plural(D.map.hubs.length, "hub") + " set aside" : (LARGE ? "precomputed layout" : "physics layout"));
  }
  document.getElementById("kg-title").textContent = D.title;
  setStatus();

  // ---- legend: one toggle per type --------------------------------------------------------
  var hiddenTypes = {};
  var typeCounts = D.types.map(function () { return 0; });
  D.nodes.type.forEach(function (t) { typeCounts[t] += 1; });
  var legend = document.getElementById("kg-legend");
  var legendNote = el("span", "", "kg-note");
  function setTypeHidden(t, hidden) {
    hiddenTypes[t] = hidden;
    sync();
    var btn = legend.querySelector('button[data-type="' + t + '"]');
    if (btn) { btn.setAttribute("aria-pressed", hidden ? "false" : "true"); }
  }
  D.types.forEach(function (name, t) {
    if (!typeCounts[t]) { return; }
    var btn = el("button");
    btn.type = "button";
    btn.setAttribute("data-type", String(t));
    btn.setAttribute("data-type-name", name);
    btn.setAttribute("aria-pressed", "true");
    btn.title = "Show or hide " + name + " nodes";
    var sw = el("span", null, "kg-swatch");
    sw.style.background = typeColour(t);
    btn.appendChild(sw);
    btn.appendChild(el("span", name + " (" + typeCounts[t] + ")"));
    btn.addEventListener("click", function () { setTypeHidden(t, !hiddenTypes[t]); });
    legend.appendChild(btn);
  });
  legend.appendChild(legendNote);

  // ---- colour modes -------------------------------------------------------------------------
  function colourNote() {
    legendNote.textContent = colourMode === "symmetry"
      ? "colour: symmetry class (" + symShared + " classes of 2+ indistinguishable nodes; grey: unique)"
      : "";
  }
  function applyColours() {
    var updates = [];
    for (var j = 0; j < N; j++) { if (present[j]) { updates.push({ id: ids[j], color: baseColour(j) }); } }
    nodes.update(updates);
    colourNote();
  }
  colourNote();
  if (D.sym) {
    document.getElementById("kg-colour-toggle").hidden = false;
    document.getElementById("kg-colour").value = colourMode;
    document.getElementById("kg-colour").addEventListener("change", function (ev) {
      colourMode = ev.target.value;
      applyColours();
    });
  }

  // ---- neighbourhood highlight and large-graph labels, drawn over the network -------------
  // The highlight is an overlay (a translucent veil, then the node's neighbourhood drawn
  // again on top) so it costs O(degree) per frame instead of restyling every node. Large
  // graphs get their labels here too: vis-network would measure all labels up front, which
  // dominates the time to first draw; here only labels in view are drawn, hubs first.
  var highlighted = null;   // index whose neighbourhood is shown, or null
  var LABEL_FONT_PX = 14;
  var LABEL_MIN_PX = 7;     // labels smaller than this on screen are not drawn
  var LABEL_MAX = 800;      // at most this many labels per frame
  var byDegree = null;
  function highlight(i) { highlighted = i; network.redraw(); }
  function unhighlight() {
    if (highlighted === null) { return; }
    highlighted = null;
    network.redraw();
  }
  var bodyCache = new Array(N);
  function bodyNode(j) {
    var n = bodyCache[j];
    if (n === undefined || network.body.nodes[ids[j]] !== n) {
      n = bodyCache[j] = network.body.nodes[ids[j]];
    }
    return n;
  }
  function visible(j) { return present[j] === 1 && !filteredOut(j); }
  function viewRect() {
    var a = network.DOMtoCanvas({ x: 0, y: 0 });
    var b = network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight });
    return { x0: a.x, y0: a.y, x1: b.x, y1: b.y };
  }
  function drawLabel(ctx, j, scale, halo) {
    var n = bodyNode(j);
    if (!n) { return; }
    var y = n.y + nodeSize(j) + 2 / scale;
    if (halo) {  // a white outline; costly in software rendering, so only for a few labels
      ctx.lineWidth = 3 / scale;
      ctx.strokeText(short(labels[j]), n.x, y);
    }
    ctx.fillText(short(labels[j]), n.x, y);
  }
  function labelStyle(ctx, screenPx, scale) {
    ctx.font = (screenPx / scale).toFixed(2) + "px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillStyle = "#222";
    ctx.strokeStyle = "#fff";
    ctx.lineJoin = "round";
  }
  function drawLargeLabels(ctx, scale) {
    if (LABEL_FONT_PX * Math.min(scale, 1) < LABEL_MIN_PX) { return; }
    if (byDegree === null) {
      byDegree = ids.map(function (_, j) { return j; });
      byDegree.sort(function (a, b) { return D.nodes.deg[b] - D.nodes.deg[a]; });
    }
    var r = viewRect();
    labelStyle(ctx, LABEL_FONT_PX * Math.min(scale, 1), scale);
    var drawn = 0;
    var again = Object.create(null);   // labels drawn again over the highlight's veil
    if (highlighted !== null) {
      overNodes().forEach(function (j) { again[j] = true; });
    }
    for (var k = 0; k < N && drawn < LABEL_MAX; k++) {
      var j = byDegree[k];
      if (!visible(j) || j === highlighted || again[j]) { continue; }
      var n = bodyNode(j);
      if (n && n.x >= r.x0 && n.x <= r.x1 && n.y >= r.y0 && n.y <= r.y1) {
        drawLabel(ctx, j, scale, false);
        drawn += 1;
      }
    }
  }
  function drawNeighbourhood(ctx, scale) {
    var i = highlighted;
    var centre = bodyNode(i);
    if (!centre) { return; }
    var r = viewRect();
    ctx.fillStyle = "rgba(255,255,255,0.78)";
    ctx.fillRect(r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0);
    var near = neighbours(i).filter(function (j) { return visible(j) && bodyNode(j); });
    ctx.lineWidth = 1.5 / scale;
    ctx.strokeStyle = "#666";
    ctx.beginPath();
    near.forEach(function (j) {
      var n = bodyNode(j);
      ctx.moveTo(centre.x, centre.y);
      ctx.lineTo(n.x, n.y);
    });
    ctx.stroke();
    if (suggestOn && D.suggest[String(i)]) {
      ctx.save();
      ctx.setLineDash([6 / scale, 5 / scale]);
      ctx.strokeStyle = SUGGEST_COLOUR;
      ctx.beginPath();
      D.suggest[String(i)].forEach(function (row) {
        var n = row[0] >= 0 && visible(row[0]) ? bodyNode(row[0]) : null;
        if (n) { ctx.moveTo(centre.x, centre.y); ctx.lineTo(n.x, n.y); }
      });
      ctx.stroke();
      ctx.restore();
    }
    var over = overNodes();
    over.forEach(function (j) {
      var n = bodyNode(j);
      ctx.beginPath();
      ctx.arc(n.x, n.y, nodeSize(j), 0, 2 * Math.PI);
      ctx.fillStyle = baseColour(j);
      ctx.fill();
      ctx.lineWidth = (j === i ? 3 : 1) / scale;
      ctx.strokeStyle = j === i ? "#111" : "#444";
      ctx.stroke();
    });
    labelStyle(ctx, 13, scale);
    over.forEach(function (j) { drawLabel(ctx, j, scale, true); });
  }
  function overNodes() {  // drawn over the veil: the neighbourhood and the marked nodes
    var i = highlighted, seen = Object.create(null), out = [];
    neighbours(i).concat(marks.related, marks.orbit, [i]).forEach(function (j) {
      if (!seen[j] && visible(j) && bodyNode(j)) { seen[j] = true; out.push(j); }
    });
    return out;
  }
  var LINK_PX = 0.8;        // width of drawn links on screen, whatever the zoom
  function drawLargeLinks(ctx, scale) {
    var r = viewRect();
    var drawn = 0;
    ctx.beginPath();
    for (var k = 0; k < E; k++) {
      var a = D.edges[3 * k], b = D.edges[3 * k + 1];
      if (!present[a] || !present[b] || filteredOut(a) || filteredOut(b)) { continue; }
      var p = bodyNode(a), q = bodyNode(b);
      if (!p || !q) { continue; }
      // skip links entirely on one side of the view
      if ((p.x < r.x0 && q.x < r.x0) || (p.x > r.x1 && q.x > r.x1) ||
          (p.y < r.y0 && q.y < r.y0) || (p.y > r.y1 && q.y > r.y1)) { continue; }
      ctx.moveTo(p.x, p.y);
      ctx.lineTo(q.x, q.y);
      drawn += 1;
    }
    ctx.lineWidth = LINK_PX / scale;
    ctx.strokeStyle = "rgba(150,160,172,0.55)";
    ctx.stroke();
    if (window.kg) { window.kg.drawnLinks = drawn; }
  }
  if (LARGE) {
    network.on("beforeDrawing", function (ctx) { drawLargeLinks(ctx, network.getScale()); });
  }
  network.on("afterDrawing", function (ctx) {
    var scale = network.getScale();
    if (LARGE) { drawLargeLabels(ctx, scale); }
    if (highlighted !== null) { drawNeighbourhood(ctx, scale); }
    drawMarks(ctx, scale);
  });

  // ---- suggested links (dashed, with scores) ----------------------------------------------
  var suggestKeys = Object.keys(D.suggest);
  function reasonText(r) {  // a reason, or its parts with source paths given as indices
    if (typeof r === "string") { return r; }
    return r.map(function (part) { return typeof part === "number" ? D.paths[part] : part; }).join("");
  }
  function reasonsOf(row) { return row[2].map(function (k) { return reasonText(D.reasons[k]); }); }
  var suggestEdges = [];
  (function () {
    var best = {};
    suggestKeys.forEach(function (key) {
      var a = Number(key);
      D.suggest[key].slice(0, SUGGEST_DRAWN).forEach(function (row) {
        var b = row[0];
        if (b < 0 || b === a) { return; }
        var pair = a < b ? a + "-" + b : b + "-" + a;
        if (!(pair in best) || best[pair].score < row[1]) {
          best[pair] = { a: a, b: b, score: row[1], reasons: reasonsOf(row) };
        }
      });
    });
    Object.keys(best).forEach(function (pair) {
      var s = best[pair];
      suggestEdges.push({
        id: "s:" + pair,
        from: ids[s.a],
        to: ids[s.b],
        label: s.score.toFixed(2),
        title: "suggested link, score " + s.score.toFixed(3) +
          (s.reasons.length ? "\n" + s.reasons.join("\n") : ""),
        dashes: [6, 5],
        width: 1.5,
        physics: false,
        arrows: { to: { enabled: false } },
        color: { color: SUGGEST_COLOUR, highlight: SUGGEST_COLOUR, hover: SUGGEST_COLOUR },
        font: { size: 11, color: SUGGEST_COLOUR, strokeWidth: 3, strokeColor: "#fff", align: "top" }
      });
    });
  })();
  var suggestOn = false;
  function setSuggestions(on) {
    if (on === suggestOn) { return; }
    suggestOn = on;
    if (on) { edges.add(suggestEdges); } else { edges.remove(suggestEdges.map(function (s) { return s.id; })); }
    document.getElementById("kg-suggest").checked = on;
  }
  if (suggestEdges.length) {
    document.getElementById("kg-suggest-toggle").hidden = false;
    document.getElementById("kg-suggest").addEventListener("change", function (ev) {
      setSuggestions(ev.target.checked);
    });
    setSuggestions(!LARGE);
  }

  // ---- view state: which nodes are on the map, and which are filtered out ---------------------
  var openComm = new Uint8Array(K);   // communities shown opened
  var showAll = !MAP;                 // every node, no bubbles
  var hubsShown = false;
  var depth = 0;                      // focus: the selected node's neighbourhood, 0 = off
  var relatedOn = false;              // related works of the selected node
  var onlySuggested = false;
  var FOCUS_MAX = 3000;               // nodes shown at most in a focus view
  var focusSet = null;                // indices shown in focus/related views, or null
  var focusCut = false;
  var marks = { related: [], orbit: [] };
  var extra = Object.create(null);    // nodes put on the map one by one (hubs found by search)

  // years: papers by year, posts (and anything dated) by the year of their date
  var yearOf = new Int32Array(N);
  var yearMin = 0, yearMax = 0;
  for (var y0 = 0; y0 < N; y0++) {
    var inf = D.info[y0] || {};
    var yy = typeof inf.y === "number" ? inf.y : 0;
    if (!yy && inf.d) { var m4 = /(\d{4})/.exec(inf.d); if (m4) { yy = Number(m4[1]); } }
    if (yy < 1000 || yy > 3000) { yy = 0; }
    yearOf[y0] = yy;
    if (yy) {
      if (!yearMin || yy < yearMin) { yearMin = yy; }
      if (yy > yearMax) { yearMax = yy; }
    }
  }
  var yearLo = yearMin, yearHi = yearMax;
  var touched = new Uint8Array(N);    // a suggestion starts or ends here
  Object.keys(D.suggest).forEach(function (key) {
    touched[Number(key)] = 1;
    D.suggest[key].forEach(function (row) { if (row[0] >= 0) { touched[row[0]] = 1; } });
  });

  function filteredOut(j) {
    if (j === selected) { return false; }
    if (hiddenTypes[D.nodes.type[j]]) { return true; }
    if (yearOf[j] && (yearOf[j] < yearLo || yearOf[j] > yearHi)) { return true; }
    if (onlySuggested && !touched[j]) { return true; }
    return !MAP && focusSet !== null && !focusSet[j];
  }

  function ball(i, steps) {  // nodes within `steps` links of i, not through hidden hubs
    var seen = Object.create(null), frontier = [i], count = 1;
    seen[i] = true;
    focusCut = false;
    for (var d = 0; d < steps && frontier.length; d++) {
      var next = [];
      for (var f = 0; f < frontier.length; f++) {
        var a = frontier[f];
        if (a !== i && isHub[a] && !hubsShown) { continue; }
        for (var k = start[a]; k < start[a + 1]; k++) {
          var b = adjNode[k];
          if (seen[b] || (isHub[b] && !hubsShown)) { continue; }
          if (count >= FOCUS_MAX) { focusCut = true; return seen; }
          seen[b] = true;
          count += 1;
          next.push(b);
        }
      }
      frontier = next;
    }
    return seen;
  }
  function orbitMates(i) {
    if (!D.orbit || D.orbit[i] < 0) { return []; }
    var out = [], o = D.orbit[i];
    for (var j = 0; j < N; j++) { if (j !== i && D.orbit[j] === o) { out.push(j); } }
    return out;
  }
  function relatedRows(i) {
    return (D.suggest[String(i)] || []);
  }
  function computeFocus() {
    marks = { related: [], orbit: [] };
    focusSet = null;
    if (selected === null) { return; }
    marks.orbit = orbitMates(selected);
    if (relatedOn) {
      marks.related = relatedRows(selected).filter(function (r) { return r[0] >= 0; })
        .map(function (r) { return r[0]; });
    }
    if (depth > 0 || relatedOn) {
      focusSet = depth > 0 ? ball(selected, depth) : Object.create(null);
      focusSet[selected] = true;
      marks.related.forEach(function (j) { focusSet[j] = true; });
      marks.orbit.forEach(function (j) { focusSet[j] = true; });
    }
  }

  // make the DataSet hold what the state asks for (nodes added/removed), then apply filters
  function sync() {
    var want = new Uint8Array(N);
    var wantBubble = new Uint8Array(K);
    var j, c;
    if (MAP && focusSet !== null) {
      Object.keys(focusSet).forEach(function (k) { want[Number(k)] = 1; });
    } else if (showAll) {
      want.fill(1);
    } else {
      for (c = 0; c < K; c++) { wantBubble[c] = openComm[c] ? 0 : 1; }
      var anyOpen = openComm.some(function (x) { return x; });
      if (anyOpen) {
        for (j = 0; j < N; j++) { if (comm[j] >= 0 && openComm[comm[j]]) { want[j] = 1; } }
      }
      if (hubsShown) { D.map.hubs.forEach(function (h) { want[h] = 1; }); }
      if (selected !== null) { want[selected] = 1; }
      Object.keys(extra).forEach(function (k) { want[Number(k)] = 1; });
      marks.orbit.forEach(function (m) { want[m] = 1; });
    }
    var add = [], remove = [], update = [];
    for (j = 0; j < N; j++) {
      if (want[j] && !present[j]) {
        var it = makeItem(j);
        it.hidden = filteredOut(j);
        add.push(it);
        present[j] = 1;
      } else if (!want[j] && present[j]) {
        remove.push(ids[j]);
        present[j] = 0;
      }
    }
    if (!LARGE && remove.length) {
      var pos = network.getPositions(remove);
      remove.forEach(function (id) { savedXY[id] = pos[id]; });
    }
    var anyClosed = false, dim = MAP && openComm.some(function (x) { return x; });
    for (c = 0; c < K; c++) {
      if (wantBubble[c] && !bubbleOn[c]) { add.push(bubbleItem(c)); bubbleOn[c] = 1; }
      else if (!wantBubble[c] && bubbleOn[c]) { remove.push(bubbleId(c)); bubbleOn[c] = 0; }
      if (wantBubble[c]) { anyClosed = true; update.push({ id: bubbleId(c), opacity: dim ? 0.35 : 0.9 }); }
    }
    if (remove.length) { nodes.remove(remove); }
    if (add.length) { nodes.add(add); }
    for (j = 0; j < N; j++) {
      if (present[j]) {
        var h = filteredOut(j);
        var n = network.body.nodes[ids[j]];
        if (!n || (n.options.hidden === true) !== h) { update.push({ id: ids[j], hidden: h }); }
      }
    }
    if (update.length) { nodes.update(update); }
    if (MAP) {
      var on = !showAll && focusSet === null && anyClosed;
      var have = edges.get(bubbleLinks[0] ? bubbleLinks[0].id : "") !== null;
      if (on && !have && bubbleLinks.length) { edges.add(bubbleLinks); }
      if (!on && have) { edges.remove(bubbleLinks.map(function (x) { return x.id; })); }
    }
    renderChips();
    network.redraw();
  }

  // ---- communities: open, close, back to the map --------------------------------------------
  function membersOf(c) {
    var out = [];
    for (var j = 0; j < N; j++) { if (comm[j] === c) { out.push(j); } }
    return out;
  }
  function fitTo(list) {
    var shown = list.filter(function (j) { return present[j]; }).map(function (j) { return ids[j]; });
    if (!shown.length) { return; }
    network.fit({ nodes: shown, animation: false, maxZoomLevel: 3 });
    var w = container.clientWidth, free = w - (panel.hidden ? 0 : panel.offsetWidth);
    if (free < w && free > 300) {  // keep clear of the details panel
      var s = network.getScale() * free / w, v = network.getViewPosition();
      network.moveTo({ position: { x: v.x + (w - free) / 2 / s, y: v.y }, scale: s });
    }
  }
  function openCommunity(c, fit) {
    if (!MAP || c < 0 || c >= K) { return; }
    showAll = false;
    openComm[c] = 1;
    sync();
    if (fit !== false) { fitTo(membersOf(c)); }
    if (selected === null) { showCommunityPanel(c); }
  }
  function closeCommunity(c) {
    if (!MAP || !openComm[c]) { return; }
    openComm[c] = 0;
    if (selected !== null && comm[selected] === c) { clearSelection(); }
    sync();
  }
  function showMap() {
    if (!MAP) { return; }
    openComm.fill(0);
    extra = Object.create(null);
    showAll = false;
    depth = 0; relatedOn = false;
    document.getElementById("kg-depth").value = "0";
    document.getElementById("kg-related").checked = false;
    clearSelection();
    sync();
    network.fit({ animation: false });
  }
  function setShowAll(on) {
    if (!MAP) { return; }
    showAll = on;
    sync();
    network.fit({ animation: false });
  }
  var chips = document.getElementById("kg-open");
  function renderChips() {
    if (!MAP) { return; }
    chips.textContent = "";
    for (var c = 0; c < K; c++) {
      if (!openComm[c]) { continue; }
      (function (c) {
        var b = el("button", D.map.bubbles[c].label.slice(0, -1).join(" · ") + " ×", "kg-chip");
        b.type = "button";
        b.title = "Close this community";
        b.setAttribute("data-community", String(c));
        b.addEventListener("click", function () { closeCommunity(c); });
        chips.appendChild(b);
      })(c);
    }
  }

  // ---- hubs panel ---------------------------------------------------------------------------
  function setHubs(on) {
    hubsShown = on;
    document.getElementById("kg-hubs-show").checked = on;
    computeFocus();
    sync();
  }
  if (MAP && D.map.hubs.length) {
    var hubBox = document.getElementById("kg-hubs");
    hubBox.hidden = false;
    document.getElementById("kg-hubs-count").textContent = String(D.map.hubs.length);
    var hubList = document.getElementById("kg-hubs-list");
    D.map.hubs.forEach(function (h) {
      var li = el("li");
      li.appendChild(typeBadge(D.types[D.nodes.type[h]]));
      var b = el("button", labels[h], "kg-link");
      b.type = "button";
      b.addEventListener("click", function () { focusNode(h); });
      li.appendChild(b);
      li.appendChild(el("span", " " + D.nodes.deg[h] + " links", "kg-reason"));
      hubList.appendChild(li);
    });
    document.getElementById("kg-hubs-show").addEventListener("change", function (ev) {
      setHubs(ev.target.checked);
    });
  }

  // ---- focus depth, related works, year range, only suggested -------------------------------
  function refocus() {
    computeFocus();
    sync();
    if (selected !== null) { showPanel(selected); }
    if (focusSet !== null) { fitTo(Object.keys(focusSet).map(Number)); }
  }
  function setDepth(n) {
    depth = Math.max(0, Math.min(5, Number(n) || 0));
    document.getElementById("kg-depth").value = String(depth);
    refocus();
  }
  function setRelated(on) {
    relatedOn = !!on;
    document.getElementById("kg-related").checked = relatedOn;
    refocus();
  }
  function setOnlySuggested(on) {
    onlySuggested = !!on;
    document.getElementById("kg-only-suggested").checked = onlySuggested;
    sync();
  }
  function setYears(lo, hi) {
    lo = Math.max(yearMin, Math.min(yearMax, Number(lo)));
    hi = Math.max(yearMin, Math.min(yearMax, Number(hi)));
    if (lo > hi) { var t = lo; lo = hi; hi = t; }
    yearLo = lo; yearHi = hi;
    document.getElementById("kg-year-lo").value = String(lo);
    document.getElementById("kg-year-hi").value = String(hi);
    document.getElementById("kg-year-text").textContent = lo + "–" + hi;
    sync();
  }
  document.getElementById("kg-depth").addEventListener("change", function (ev) { setDepth(ev.target.value); });
  document.getElementById("kg-related").addEventListener("change", function (ev) { setRelated(ev.target.checked); });
  if (Object.keys(D.suggest).length) {
    document.getElementById("kg-related-toggle").hidden = false;
    document.getElementById("kg-only-toggle").hidden = false;
    document.getElementById("kg-only-suggested").addEventListener("change", function (ev) {
      setOnlySuggested(ev.target.checked);
    });
  }
  if (yearMin && yearMax > yearMin) {
    document.getElementById("kg-years").hidden = false;
    ["kg-year-lo", "kg-year-hi"].forEach(function (id) {
      var r = document.getElementById(id);
      r.min = String(yearMin); r.max = String(yearMax); r.step = "1";
      r.addEventListener("input", function () {
        setYears(document.getElementById("kg-year-lo").value, document.getElementById("kg-year-hi").value);
      });
    });
    document.getElementById("kg-year-lo").value = String(yearMin);
    document.getElementById("kg-year-hi").value = String(yearMax);
    document.getElementById("kg-year-text").textContent = yearMin + "–" + yearMax;
  }
  if (MAP) {
    document.getElementById("kg-mapbar").hidden = false;
    document.getElementById("kg-map").addEventListener("click", showMap);
    document.getElementById("kg-all").addEventListener("click", function () { setShowAll(true); });
  }

  // ---- marks over the map: related works and orbit-mates -------------------------------------
  var ORBIT_COLOUR = "#7b2cbf";
  function ring(ctx, j, colour, scale) {
    var n = bodyNode(j);
    if (!n || !visible(j)) { return null; }
    ctx.beginPath();
    ctx.arc(n.x, n.y, nodeSize(j) + 5 / scale, 0, 2 * Math.PI);
    ctx.lineWidth = 3 / scale;
    ctx.strokeStyle = colour;
    ctx.stroke();
    return n;
  }
  function drawMarks(ctx, scale) {
    if (selected === null || (!marks.related.length && !marks.orbit.length)) { return; }
    var centre = bodyNode(selected);
    if (!centre) { return; }
    ctx.save();
    labelStyle(ctx, 13, scale);
    var rows = relatedRows(selected);
    ctx.setLineDash([6 / scale, 5 / scale]);
    rows.forEach(function (row) {
      if (row[0] < 0 || !relatedOn) { return; }
      var n = bodyNode(row[0]);
      if (!n || !visible(row[0])) { return; }
      ctx.beginPath();
      ctx.moveTo(centre.x, centre.y);
      ctx.lineTo(n.x, n.y);
      ctx.lineWidth = 2 / scale;
      ctx.strokeStyle = SUGGEST_COLOUR;
      ctx.stroke();
    });
    ctx.setLineDash([]);
    rows.forEach(function (row) {
      if (row[0] < 0 || !relatedOn) { return; }
      var n = ring(ctx, row[0], SUGGEST_COLOUR, scale);
      if (n) {  // the score above the node, as the panel and `kg suggest` give it
        ctx.textBaseline = "bottom";
        ctx.fillStyle = "#8a4b00";
        ctx.strokeStyle = "#fff";
        ctx.lineWidth = 3 / scale;
        var y = n.y - nodeSize(row[0]) - 7 / scale;
        ctx.strokeText(row[1].toFixed(4), n.x, y);
        ctx.fillText(row[1].toFixed(4), n.x, y);
      }
    });
    marks.orbit.forEach(function (j) { ring(ctx, j, ORBIT_COLOUR, scale); });
    if (marks.orbit.length) { ring(ctx, selected, ORBIT_COLOUR, scale); }
    ctx.restore();
  }

  // ---- details panel ----------------------------------------------------------------------------
  var panel = document.getElementById("kg-panel");
  var body = document.getElementById("kg-panel-body");
  function section(title, items, render) {
    if (!items || !items.length) { return; }
    body.appendChild(el("h3", title));
    var ul = el("ul");
    items.forEach(function (it) {
      var li = el("li");
      render(li, it);
      ul.appendChild(li);
    });
    body.appendChild(ul);
    return ul;
  }
  function more(ul, count, what) {
    if (ul && count) { ul.appendChild(el("li", "… and " + count + " more " + what, "kg-more")); }
  }
  function nodeButton(j, text) {
    var b = el("button", text, "kg-link");
    b.type = "button";
    b.addEventListener("click", function () { focusNode(j); });
    return b;
  }
  // a suggestion row [node index or -1, score, reasons, label, type]: score, type, target
  function suggestionHead(li, row, digits) {
    li.appendChild(el("span", row[1].toFixed(digits), "kg-score"));
    if (row[0] >= 0) {
      li.appendChild(typeBadge(D.types[D.nodes.type[row[0]]]));
      li.appendChild(nodeButton(row[0], labels[row[0]]));
    } else {
      li.appendChild(typeBadge(row[4] || "?"));
      li.appendChild(el("span", row[3]));
    }
  }
  function relatedSection(i) {
    var rows = relatedRows(i);
    var ul = section("Related works (as kg suggest ranks them)", rows, function (li, row) {
      li.className = "kg-related";
      suggestionHead(li, row, 4);
      reasonsOf(row).forEach(function (r) { li.appendChild(el("div", r, "kg-reason")); });
    });
    if (ul) { ul.setAttribute("id", "kg-related-list"); }
    if (!rows.length) { body.appendChild(el("p", "No related works suggested for this node.", "kg-more")); }
  }
  function symmetrySection(i) {
    var mates = orbitMates(i);
    if (!mates.length) { return; }
    body.appendChild(el("h3", "Symmetry: " + plural(mates.length, "orbit-mate")));
    var box = el("div", null, "kg-orbit");
    box.setAttribute("id", "kg-orbit-note");
    box.appendChild(el("p", D.orbitNote.why));
    if (D.orbitNote.score) { box.appendChild(el("p", D.orbitNote.score)); }
    var ul = el("ul");
    mates.slice(0, 20).forEach(function (j) {
      var li = el("li");
      li.appendChild(typeBadge(D.types[D.nodes.type[j]]));
      li.appendChild(nodeButton(j, labels[j]));
      ul.appendChild(li);
    });
    box.appendChild(ul);
    more(ul, Math.max(0, mates.length - 20), "orbit-mates");
    body.appendChild(box);
  }
  function showCommunityPanel(c) {
    var b = D.map.bubbles[c];
    body.textContent = "";
    body.appendChild(el("h2", b.label.slice(0, -1).join(" · ")));
    body.appendChild(el("div", "community " + (c + 1) + " of " + K, "kg-id"));
    section("Facts", [plural(b.n, "node"), plural(b.papers, "paper"), "click a node to see its details"],
      function (li, f) { li.textContent = f; });
    section("Most central", b.top, function (li, j) {
      li.appendChild(typeBadge(D.types[D.nodes.type[j]]));
      li.appendChild(nodeButton(j, labels[j]));
    });
    var close = el("button", "Close this community", "kg-link");
    close.type = "button";
    close.addEventListener("click", function () { closeCommunity(c); hidePanel(); });
    body.appendChild(close);
    panel.hidden = false;
  }
  function showPanel(i) {
    var info = D.info[i] || {};
    var tname = D.types[D.nodes.type[i]];
    body.textContent = "";
    var h = el("h2");
    h.appendChild(typeBadge(tname));
    h.appendChild(document.createTextNode(labels[i]));
    body.appendChild(h);
    body.appendChild(el("div", ids[i], "kg-id"));
    if (relatedOn) { relatedSection(i); }
    symmetrySection(i);
    if (MAP) {
      body.appendChild(el("div", isHub[i] ? "hub (set aside from the map)" :
        "in community: " + D.map.bubbles[comm[i]].label.slice(0, -1).join(" · "), "kg-id"));
    }
    if (focusSet !== null && depth > 0) {
      body.appendChild(el("div", "showing " + plural(Object.keys(focusSet).length, "node") +
        " within " + plural(depth, "step") + (focusCut ? " (cut at " + FOCUS_MAX + ")" : ""), "kg-id"));
    }
    var facts = [];
    if (info.v) { facts.push("venue: " + info.v); }
    if (info.y !== undefined) { facts.push("year: " + info.y); }
    if (info.d) { facts.push("date: " + info.d); }
    if (info.p) { facts.push("path: " + info.p); }
    facts.push("links: " + D.nodes.deg[i]);
    if (D.sym && D.sym[i] >= 0) {
      var c = D.sym[i];
      facts.push("symmetry class " + c + (symCount[c] > 1
        ? " (shared with " + (symCount[c] - 1) + " other node" + (symCount[c] > 2 ? "s" : "") + ")"
        : " (unique)"));
    }
    section("Facts", facts, function (li, f) { li.textContent = f; });
    if (info.u && isHttp(info.u)) {
      body.appendChild(el("h3", "Link"));
      var a = el("a", info.u);
      a.href = info.u;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      body.appendChild(a);
    } else if (info.ut) {
      body.appendChild(el("h3", "Link (not http, shown as text)"));
      body.appendChild(el("div", info.ut));
    }
    if (info.i) {
      section("Identifiers", Object.keys(info.i), function (li, k) { li.textContent = k + ": " + info.i[k]; });
    }
    section("Authors", info.au, function (li, x) { li.textContent = x; });
    section("Aliases", info.a, function (li, x) { li.textContent = x; });
    more(section("Notes", info.n, function (li, x) { li.textContent = x; }), info.nm, "notes");
    more(section("Sources", info.s, function (li, s) {
      li.textContent = D.paths[s[0]] + (s[1] !== null ? ":" + s[1] : "");
    }), info.sm, "sources");
    var links = [];
    for (var k = start[i]; k < start[i + 1]; k++) { links.push(k); }
    more(section("Links", links.slice(0, LINKS_SHOWN), function (li, k) {
      var edge = adjEdge[k], j = adjNode[k], out = D.edges[3 * edge] === i;
      li.appendChild(el("span", (out ? "→ " : "← ") + D.relations[D.edges[3 * edge + 2]] + " ", "kg-reason"));
      li.appendChild(typeBadge(D.types[D.nodes.type[j]]));
      li.appendChild(nodeButton(j, labels[j]));
    }), Math.max(0, links.length - LINKS_SHOWN), "links");
    var sug = relatedOn ? null : D.suggest[String(i)];
    section("Suggested links", sug, function (li, row) {
      suggestionHead(li, row, 3);
      if (row[2].length) { li.appendChild(el("div", reasonsOf(row).join("; "), "kg-reason")); }
    });
    panel.hidden = false;
  }
  function hidePanel() {
    panel.hidden = true;
    body.textContent = "";
  }
  document.getElementById("kg-panel-close").addEventListener("click", function () {
    clearSelection();
  });

  // ---- selection -------------------------------------------------------------------------------
  var selected = null;
  function selectIndex(i) {
    var before = marks.orbit.length || focusSet !== null;
    selected = i;
    computeFocus();
    if (before || marks.orbit.length || focusSet !== null || !present[i]) { sync(); }
    showPanel(i);
    if (focusSet !== null) { fitTo(Object.keys(focusSet).map(Number)); }
    highlight(i);
  }
  function clearSelection() {
    var before = marks.orbit.length || focusSet !== null;
    selected = null;
    computeFocus();
    hidePanel();
    unhighlight();
    network.unselectAll();
    if (before) { sync(); }
  }
  function reveal(i) {  // put node i on the map: open its community, or show it as a hub
    if (present[i] || !MAP) { return; }
    if (isHub[i]) { extra[i] = true; return; }
    if (focusSet === null) { openComm[comm[i]] = 1; }
  }
  function focusNode(i) {
    var t = D.nodes.type[i];
    if (hiddenTypes[t]) { setTypeHidden(t, false); }
    if (depth > 0 || relatedOn) { selected = i; computeFocus(); }
    reveal(i);
    sync();
    network.selectNodes([ids[i]]);
    network.focus(ids[i], {
      scale: Math.max(network.getScale(), 1.0),
      animation: LARGE ? false : { duration: 300, easingFunction: "easeInOutQuad" }
    });
    selectIndex(i);
  }
  function keepClearOfPanel(i) {
    // a node clicked under the details panel is moved into the free part of the view
    var free = container.clientWidth - panel.offsetWidth;
    if (panel.hidden || free < 200) { return; }
    var d = network.canvasToDOM(network.getPositions([ids[i]])[ids[i]]);
    if (d.x > free - 120) {
      var view = network.getViewPosition();
      network.moveTo({
        position: { x: view.x + (d.x - free / 2) / network.getScale(), y: view.y },
        animation: LARGE ? false : { duration: 250, easingFunction: "easeInOutQuad" }
      });
    }
  }
  network.on("click", function (params) {
    if (params && params.nodes && params.nodes.length) {
      var hit = params.nodes[0];
      if (typeof hit === "number" && hit < 0) { openCommunity(-1 - hit); return; }
      var i = indexOf[hit];
      if (i !== undefined) { selectIndex(i); keepClearOfPanel(i); return; }
    }
    if (selected !== null) { clearSelection(); }
  });

  // ---- search by label or alias -------------------------------------------------------------
  var keys = null;   // built on the first search
  function searchKeys() {
    keys = new Array(N);
    for (var s = 0; s < N; s++) {
      var al = (D.info[s] && D.info[s].a) || [];
      keys[s] = [labels[s].toLowerCase()].concat(al.map(function (x) { return x.toLowerCase(); }));
    }
  }
  function search(q, limit) {
    if (keys === null) { searchKeys(); }
    q = q.trim().toLowerCase();
    if (!q) { return []; }
    var ranked = [[], [], [], []];  // exact label, exact alias, prefix, substring
    for (var j = 0; j < N; j++) {
      var ks = keys[j];
      var rank = -1;
      for (var m = 0; m < ks.length; m++) {
        var r = ks[m] === q ? (m === 0 ? 0 : 1) : (ks[m].indexOf(q) === 0 ? 2 : (ks[m].indexOf(q) > 0 ? 3 : -1));
        if (r >= 0 && (rank < 0 || r < rank)) { rank = r; }
      }
      if (rank >= 0) { ranked[rank].push(j); }
    }
    var out = [];
    for (var r2 = 0; r2 < 4 && out.length < limit; r2++) {
      ranked[r2].sort(function (a, b) { return labels[a].length - labels[b].length; });
      out = out.concat(ranked[r2].slice(0, limit - out.length));
    }
    return out;
  }
  var input = document.getElementById("kg-search");
  var results = document.getElementById("kg-results");
  var current = [];
  var active = 0;
  function renderResults() {
    results.textContent = "";
    current.forEach(function (j, k) {
      var li = el("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-id", ids[j]);
      if (k === active) { li.className = "kg-active"; }
      li.appendChild(typeBadge(D.types[D.nodes.type[j]]));
      li.appendChild(document.createTextNode(labels[j]));
      li.addEventListener("mousedown", function (ev) {
        ev.preventDefault();
        choose(j);
      });
      results.appendChild(li);
    });
    if (!current.length && input.value.trim()) {
      results.appendChild(el("li", "no match", "kg-more"));
    }
    results.hidden = !input.value.trim();
  }
  function choose(j) {
    results.hidden = true;
    input.value = labels[j];
    focusNode(j);
  }
  input.addEventListener("input", function () {
    current = search(input.value, 12);
    active = 0;
    renderResults();
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      if (!current.length) { current = search(input.value, 12); }
      if (current.length) { choose(current[Math.min(active, current.length - 1)]); }
      ev.preventDefault();
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (current.length) {
        active = (active + (ev.key === "ArrowDown" ? 1 : current.length - 1)) % current.length;
        renderResults();
      }
      ev.preventDefault();
    } else if (ev.key === "Escape") {
      results.hidden = true;
    }
  });
  input.addEventListener("blur", function () { results.hidden = true; });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && ev.target !== input && selected !== null) { clearSelection(); }
  });

  window.kg = {
    data: D,
    timings: timings,
    nodes: nodes,
    edges: edges,
    indexOf: indexOf,
    search: search,
    drawnLinks: 0,
    neighbours: function (id) {
      var j = indexOf[id];
      return j === undefined ? [] : neighbours(j).map(function (k) { return ids[k]; });
    },
    focusNode: function (id) {
      var j = indexOf[id];
      if (j === undefined) { return false; }
      focusNode(j);
      return true;
    },
    showPanel: function (id) { if (id in indexOf) { showPanel(indexOf[id]); } },
    clearSelection: clearSelection,
    setSuggestions: setSuggestions,
    openCommunity: openCommunity,
    closeCommunity: closeCommunity,
    showMap: showMap,
    showAll: function () { setShowAll(true); },
    setDepth: setDepth,
    setYears: setYears,
    setRelated: setRelated,
    setHubs: setHubs,
    setOnlySuggested: setOnlySuggested,
    communityOf: function (id) { return MAP && id in indexOf ? comm[indexOf[id]] : null; },
    isOpen: function (c) { return !!openComm[c]; },
    visibleIds: function () {   // node ids on the map and not filtered out
      var out = [];
      for (var j = 0; j < N; j++) { if (present[j] && !filteredOut(j)) { out.push(ids[j]); } }
      return out;
    },
    bubbleIds: function () {
      var out = [];
      for (var c = 0; c < K; c++) { if (bubbleOn[c]) { out.push(bubbleId(c)); } }
      return out;
    }
  };
  if (MAP) { network.fit({ animation: false }); renderChips(); }
  scriptDone = true;
  if (timings.firstDraw) { document.body.setAttribute("data-ready", "1"); }
})();
