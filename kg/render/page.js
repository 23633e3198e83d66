/* Behaviour of the knowledge-graph page.
 *
 * Reads the JSON in <script id="kg-data"> (written by kg.render.payload), draws it with
 * vis-network and wires the legend, search box, details panel, suggested links and colour
 * modes. Every piece of note text reaches the DOM through textContent or vis-network's plain
 * text tooltips, never as HTML; only http(s) URLs become links.
 *
 * window.network is the vis-network Network; window.kg exposes the data and a few helpers
 * (focusNode, neighbours, showPanel, clearSelection, setSuggestions) for scripts and tests.
 */
(function () {
  "use strict";

  function now() { return (window.performance && performance.now) ? performance.now() : Date.now(); }
  var timings = { start: now() };
  var D = JSON.parse(document.getElementById("kg-data").textContent);
  timings.parsed = now();
  var N = D.nodes.id.length;
  var LARGE = D.xy !== null;            // a Python layout was computed: physics off
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
  var nodeItems = new Array(N);
  for (var i = 0; i < N; i++) {
    indexOf[ids[i]] = i;
    var item = {
      id: ids[i],
      label: LARGE ? undefined : short(labels[i]),   // large graphs: labels drawn by the overlay
      title: labels[i] + "\n(" + D.types[D.nodes.type[i]] + ")",
      color: baseColour(i),
      size: nodeSize(i)
    };
    if (LARGE) { item.x = D.xy[2 * i]; item.y = D.xy[2 * i + 1]; }
    nodeItems[i] = item;
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

  network.once("afterDrawing", function () {
    timings.firstDraw = now();
    window.kgFirstDrawMs = timings.firstDraw;   // ms since navigation start
    document.body.setAttribute("data-ready", "1");
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
      (LARGE ? "precomputed layout" : "physics layout");
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
    var updates = [];
    for (var j = 0; j < N; j++) {
      if (D.nodes.type[j] === t) { updates.push({ id: ids[j], hidden: hidden }); }
    }
    nodes.update(updates);
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
    var updates = new Array(N);
    for (var j = 0; j < N; j++) { updates[j] = { id: ids[j], color: baseColour(j) }; }
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
  function visible(j) { return !hiddenTypes[D.nodes.type[j]]; }
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
    for (var k = 0; k < N && drawn < LABEL_MAX; k++) {
      var j = byDegree[k];
      if (!visible(j) || j === highlighted) { continue; }
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
    var near = neighbours(i).filter(visible);
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
    near.concat([i]).forEach(function (j) {
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
    near.concat([i]).forEach(function (j) { drawLabel(ctx, j, scale, true); });
  }
  var LINK_PX = 0.8;        // width of drawn links on screen, whatever the zoom
  function drawLargeLinks(ctx, scale) {
    var r = viewRect();
    var drawn = 0;
    ctx.beginPath();
    for (var k = 0; k < E; k++) {
      var a = D.edges[3 * k], b = D.edges[3 * k + 1];
      if (hiddenTypes[D.nodes.type[a]] || hiddenTypes[D.nodes.type[b]]) { continue; }
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
  function showPanel(i) {
    var info = D.info[i] || {};
    var tname = D.types[D.nodes.type[i]];
    body.textContent = "";
    var h = el("h2");
    h.appendChild(typeBadge(tname));
    h.appendChild(document.createTextNode(labels[i]));
    body.appendChild(h);
    body.appendChild(el("div", ids[i], "kg-id"));
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
    var sug = D.suggest[String(i)];
    section("Suggested links", sug, function (li, row) {
      li.appendChild(el("span", row[1].toFixed(3), "kg-score"));
      if (row[0] >= 0) {
        li.appendChild(typeBadge(D.types[D.nodes.type[row[0]]]));
        li.appendChild(nodeButton(row[0], labels[row[0]]));
      } else {
        li.appendChild(typeBadge(row[4] || "?"));
        li.appendChild(el("span", row[3]));
      }
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
    selected = i;
    showPanel(i);
    highlight(i);
  }
  function clearSelection() {
    selected = null;
    hidePanel();
    unhighlight();
    network.unselectAll();
  }
  function focusNode(i) {
    var t = D.nodes.type[i];
    if (hiddenTypes[t]) { setTypeHidden(t, false); }
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
      var i = indexOf[params.nodes[0]];
      if (i !== undefined) { selectIndex(i); keepClearOfPanel(i); return; }
    }
    if (selected !== null) { clearSelection(); }
  });

  // ---- search by label or alias -------------------------------------------------------------
  var keys = new Array(N);
  for (var s = 0; s < N; s++) {
    var al = (D.info[s] && D.info[s].a) || [];
    keys[s] = [labels[s].toLowerCase()].concat(al.map(function (x) { return x.toLowerCase(); }));
  }
  function search(q, limit) {
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
    setSuggestions: setSuggestions
  };
})();
