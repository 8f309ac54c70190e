/* Draws the partner graph of the page with vis-network (served from this server).
   A click on a node or a tie opens its details in the side panel (a double click on a node opens its page);
   the tables below the graph open the same details from the keyboard.  The most central nodes keep
   readable labels at every zoom.  "This view as PNG" saves the canvas. */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const container = document.getElementById("graph-canvas");
  const status = document.getElementById("graph-status");
  const panel = document.getElementById("graph-panel");
  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges.map((e, i) => Object.assign({ id: "e" + i }, e)));
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.makbGraph = network;

  /* ------------------------------------------------------------ labels readable at the current zoom */
  // the most central nodes and the aggregate node (rank -1) keep readable labels
  const labelled = data.nodes.filter((n) => n.rank < data.labelled);
  let lastSize = 0;
  function fitLabels() {
    const scale = network.getScale() || 1;
    const size = Math.max(14, Math.min(120, Math.round(13 / scale)));
    if (size === lastSize || !labelled.length) return;
    lastSize = size;
    nodes.update(labelled.map((n) => ({ id: n.id, font: Object.assign({}, n.font || {}, { size: size }) })));
  }

  function ready() {
    network.setOptions({ physics: { enabled: false } });
    network.fit();
    fitLabels();
    container.dataset.ready = "1";
  }
  if (data.nodes.length === 0) {
    container.dataset.ready = "1";
  } else {
    network.once("stabilizationIterationsDone", ready);
  }
  network.on("zoom", fitLabels);

  /* ------------------------------------------------------------ the side panel */
  function el(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    return e;
  }
  function link(text, href) { return el("a", text, { href: href }); }
  function show(children) {
    panel.textContent = "";
    children.forEach((c) => panel.appendChild(c));
    panel.dataset.shown = "1";
  }

  function showNode(id) {
    const node = nodes.get(id);
    if (!node) return;
    const info = node.info || {};
    if (id === "more-organisations") {
      show([el("h2", info.name), el("p", "Less central organisations are folded into this node to keep the graph " +
        "readable. Narrow the filters, or search for an organisation and open its ego graph.")]);
      return;
    }
    const dl = el("dl", null, { class: "facts" });
    const rows = [["Type", info.type], ["Country", info.country || "unknown"], ["Partners", info.partners],
      ["Projects", info.projects], ["Open commitments", info.open], ["Overdue commitments", info.overdue]];
    if (info.units) rows.push(["Units merged", info.units]);
    rows.forEach(([k, v]) => { dl.appendChild(el("dt", k)); dl.appendChild(el("dd", v === undefined ? "" : String(v))); });
    const links = el("ul", null, { class: "inline" });
    const items = [link("Its page", info.entity), link("Its partners (ego graph)", info.ego),
      link("Its commitments (dashboard)", info.dashboard)];
    items.forEach((a) => { const li = el("li"); li.appendChild(a); links.appendChild(li); });
    show([el("h2", info.name + (info.acronym && info.acronym !== info.name ? " (" + info.acronym + ")" : "")), dl, links]);
  }

  async function showEdge(from, to) {
    const a = nodes.get(from), b = nodes.get(to);
    if (!a || !b || to === "more-organisations" || from === "more-organisations") return;
    show([el("h2", a.label + " – " + b.label), el("p", "Loading what ties them…")]);
    const params = new URLSearchParams(panel.dataset.query || "");
    params.set("a", from);
    params.set("b", to);
    let body;
    try {
      const resp = await fetch("/graph/tie?" + params.toString(), { headers: { Accept: "application/json" } });
      body = await resp.json();
      if (!resp.ok) throw new Error(body.message || resp.statusText);
    } catch (err) {
      show([el("h2", a.label + " – " + b.label), el("p", "Could not load the ties: " + err.message)]);
      return;
    }
    const list = el("ul", null, { class: "ties" });
    body.ties.forEach((t) => {
      const li = el("li");
      li.appendChild(el("span", t.kind + ": ", { class: "tag" }));
      li.appendChild(link(t.label, t.url));
      t.evidence.forEach((ev) => {
        const q = el("q", ev.sentence || "(no sentence kept)", { class: "evidence" });
        li.appendChild(q);
        const where = el("small");
        where.appendChild(document.createTextNode(ev.orgLabel + " · "));
        where.appendChild(link((ev.file || "source document") + (ev.line ? ", line " + ev.line : "") + " (in context)",
          ev.link));
        where.lastChild.className = "evidence-link";
        li.appendChild(where);
      });
      if (!t.evidence.length) li.appendChild(el("p", "No document sentence names both.", { class: "small" }));
      list.appendChild(li);
    });
    const parts = [el("h2", body.aLabel + " – " + body.bLabel),
      el("p", body.ties.length + " shared thing" + (body.ties.length === 1 ? "" : "s") + " (" + body.kinds.join(", ") + ")",
        { class: "small" }), list];
    if (body.more) parts.push(el("p", "and " + body.more + " more", { class: "small" }));
    show(parts);
  }

  network.on("click", (params) => {
    if (params.nodes.length === 1) {
      showNode(params.nodes[0]);
    } else if (params.edges.length === 1) {
      const edge = edges.get(params.edges[0]);
      if (edge) showEdge(edge.from, edge.to);
    }
  });
  network.on("doubleClick", (params) => {
    if (params.nodes.length !== 1) return;
    const node = nodes.get(params.nodes[0]);
    if (node && node.url) window.location.assign(node.url);
  });

  document.querySelectorAll("button.node-details").forEach((btn) => btn.addEventListener("click", () => {
    network.selectNodes([btn.dataset.node]);
    showNode(btn.dataset.node);
    panel.focus();
  }));
  document.querySelectorAll("button.edge-details").forEach((btn) => btn.addEventListener("click", () => {
    showEdge(btn.dataset.from, btn.dataset.to).then(() => panel.focus());
  }));

  /* ------------------------------------------------------------ find a drawn node */
  document.getElementById("graph-search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const wanted = document.getElementById("graph-search-input").value.trim().toLowerCase();
    if (!wanted) return;
    const found = nodes.get({
      filter: (n) => n.url && (String(n.label).toLowerCase() === wanted || n.search === wanted),
    });
    const partial = found.length ? found : nodes.get({
      filter: (n) => n.url && (String(n.label).toLowerCase().includes(wanted) || n.search.includes(wanted)),
    });
    if (partial.length === 0) {
      status.textContent = "No node matches.";
      return;
    }
    const ids = partial.map((n) => n.id);
    network.selectNodes(ids);
    network.focus(ids[0], { scale: 1.2, animation: { duration: 400 } });
    status.textContent = partial.length === 1 ? "Found." : partial.length + " nodes match; showing the first.";
  });

  /* ------------------------------------------------------------ PNG of what is on screen */
  document.getElementById("export-png").addEventListener("click", () => {
    const canvas = container.querySelector("canvas");
    if (!canvas) return;
    const out = document.createElement("canvas");
    out.width = canvas.width;
    out.height = canvas.height;
    const ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(canvas, 0, 0);
    out.toBlob((blob) => {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "partner-graph.png";
      document.body.appendChild(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    }, "image/png");
  });
})();
