/* Draws the partner graph of the page with vis-network (served from this server).
   A click on a node opens its entity page; the search box finds and focuses a node. */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const container = document.getElementById("graph-canvas");
  const status = document.getElementById("graph-status");
  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges.map((e, i) => Object.assign({ id: "e" + i }, e)));
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.makbGraph = network;

  function ready() {
    network.setOptions({ physics: { enabled: false } });
    container.dataset.ready = "1";
  }
  if (data.nodes.length === 0) {
    container.dataset.ready = "1";
  } else {
    network.once("stabilizationIterationsDone", ready);
  }

  network.on("click", (params) => {
    if (params.nodes.length !== 1) return;
    const node = nodes.get(params.nodes[0]);
    if (node && node.url) window.location.assign(node.url);
  });

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
})();
