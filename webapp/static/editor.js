/* The query editor: a textarea over a highlighted <pre>, prefixes on demand,
   canned queries in one click, results as a paged table, CSV/JSON downloads
   and a permalink. Text from queries and results is only ever set through
   textContent, never parsed as HTML. */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("editor-data").textContent);
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const code = document.querySelector("#highlight code");
  const pre = document.getElementById("highlight");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const permalink = document.getElementById("permalink");
  const csvButton = document.getElementById("download-csv");
  const jsonButton = document.getElementById("download-json");

  const KEYWORDS = new Set((
    "BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT DESCRIBE ASK FROM NAMED WHERE ORDER BY ASC DESC LIMIT " +
    "OFFSET VALUES OPTIONAL GRAPH UNION MINUS FILTER BIND SERVICE SILENT GROUP HAVING NOT EXISTS IN UNDEF " +
    "TRUE FALSE A"
  ).split(" "));
  const FUNCTIONS = new Set((
    "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE " +
    "RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE " +
    "STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 " +
    "COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE"
  ).split(" "));
  const TOKEN = new RegExp([
    /(#[^\n]*)/.source,                                                               // 1 comment
    /("""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)/.source, // 2 string
    /(<[^<>"{}|^`\\\s]*>)/.source,                                                    // 3 IRI
    /([?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)/.source,                                  // 4 variable
    /((?:[A-Za-z][\w.-]*)?:[\w.%-]*)/.source,                                         // 5 prefixed name
    /(\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)/.source,                                    // 6 number
    /([A-Za-z_]+)/.source,                                                            // 7 word
  ].join("|"), "g");
  const CLASSES = [null, "tok-comment", "tok-string", "tok-iri", "tok-var", "tok-pname", "tok-number", "tok-word"];

  function span(cls, text) {
    const el = document.createElement("span");
    if (cls) el.className = cls;
    el.textContent = text;
    return el;
  }

  function highlight() {
    const text = textarea.value;
    const frag = document.createDocumentFragment();
    let last = 0;
    TOKEN.lastIndex = 0;
    let m;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      let group = 1;
      while (group < m.length && m[group] === undefined) group++;
      let cls = CLASSES[group];
      if (group === 7) {
        const upper = m[0].toUpperCase();
        cls = KEYWORDS.has(upper) || m[0] === "a" ? "tok-keyword" : (FUNCTIONS.has(upper) ? "tok-function" : null);
      }
      frag.appendChild(cls ? span(cls, m[0]) : document.createTextNode(m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
    frag.appendChild(document.createTextNode("\n"));
    code.replaceChildren(frag);
    syncScroll();
  }

  function syncScroll() {
    pre.scrollTop = textarea.scrollTop;
    pre.scrollLeft = textarea.scrollLeft;
  }

  // ------------------------------------------------------------------ prefixes

  function declared(text) {
    const out = new Set();
    const re = /^\s*PREFIX\s+([A-Za-z][\w.-]*)?:/gim;
    let m;
    while ((m = re.exec(text)) !== null) out.add(m[1] || "");
    return out;
  }

  function withoutLiterals(text) {
    return text.replace(/#[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>/g, " ");
  }

  function insertPrefixes(names) {
    const have = declared(textarea.value);
    const lines = names.filter((p) => !have.has(p) && data.prefixes[p])
      .map((p) => "PREFIX " + p + ": <" + data.prefixes[p] + ">\n");
    if (lines.length === 0) return 0;
    const start = textarea.selectionStart + lines.join("").length;
    textarea.value = lines.join("") + textarea.value;
    textarea.selectionStart = textarea.selectionEnd = start;
    changed();
    return lines.length;
  }

  function missingPrefixes() {
    const used = new Set();
    const re = /(?:^|[\s({\/|^,;.!])([A-Za-z][\w-]*):(?=[\w%]|\s|$)/g;
    const text = withoutLiterals(textarea.value).replace(/^\s*PREFIX\s+[^\n]*$/gim, "");
    let m;
    while ((m = re.exec(text)) !== null) used.add(m[1]);
    return Array.from(used).filter((p) => data.prefixes[p]);
  }

  // ------------------------------------------------------------------ addresses

  function entityUrl(iri) {
    if (iri.startsWith(data.base) && iri.length > data.base.length) {
      return "/id/" + iri.slice(data.base.length).split("/").map(encodeURIComponent).join("/");
    }
    if (iri.startsWith(data.ontology) && iri.length > data.ontology.length) {
      return "/ontology#" + encodeURIComponent(iri.slice(data.ontology.length));
    }
    return "/entity?iri=" + encodeURIComponent(iri);
  }

  function shortName(iri) {
    if (iri.startsWith(data.base)) return "id:" + iri.slice(data.base.length);
    for (const [p, ns] of Object.entries(data.prefixes)) {
      if (iri.startsWith(ns) && iri.length > ns.length) return p + ":" + iri.slice(ns.length);
    }
    return iri;
  }

  function permalinkFor(text) {
    return form.getAttribute("action") + "?" + new URLSearchParams({ query: text, run: "1" }).toString();
  }

  // ------------------------------------------------------------------ results

  let current = null;   // {vars, rows} of the last SELECT, for paging and downloads
  let lastJson = null;

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = entityUrl(term.value);
      a.title = term.value;
      a.textContent = shortName(term.value);
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.appendChild(span("lit", term.value));
      const tag = term["xml:lang"] ? "@" + term["xml:lang"] : (term.datatype ? shortName(term.datatype) : "");
      if (tag) { td.appendChild(document.createTextNode(" ")); td.appendChild(span("tag", tag)); }
    }
    return td;
  }

  function showPage(page) {
    const size = data.pageSize;
    const pages = Math.max(1, Math.ceil(current.rows.length / size));
    page = Math.min(Math.max(1, page), pages);
    const table = document.createElement("table");
    table.className = "result-table";
    const head = table.createTHead().insertRow();
    for (const v of current.vars) { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); }
    const body = table.createTBody();
    for (const row of current.rows.slice((page - 1) * size, page * size)) {
      const tr = body.insertRow();
      for (const v of current.vars) tr.appendChild(cell(row[v]));
    }
    const info = document.createElement("p");
    info.className = "result-info";
    const n = current.rows.length;
    info.textContent = n + " row" + (n === 1 ? "" : "s") + (pages > 1 ? " · page " + page + " of " + pages : "");
    const nav = document.createElement("nav");
    nav.className = "pager";
    if (pages > 1) {
      const prev = document.createElement("button");
      prev.type = "button"; prev.textContent = "← previous"; prev.disabled = page === 1;
      prev.addEventListener("click", () => showPage(page - 1));
      const next = document.createElement("button");
      next.type = "button"; next.textContent = "next →"; next.disabled = page === pages;
      next.addEventListener("click", () => showPage(page + 1));
      nav.append(prev, next);
    }
    results.replaceChildren(info, table, nav);
  }

  function csvValue(term) {
    if (!term) return "";
    const v = term.type === "bnode" ? "_:" + term.value : term.value;
    return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }

  function download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type: type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  csvButton.addEventListener("click", () => {
    if (!current) return;
    const lines = [current.vars.join(",")];
    for (const row of current.rows) lines.push(current.vars.map((v) => csvValue(row[v])).join(","));
    download("results.csv", "text/csv", lines.join("\r\n") + "\r\n");
  });
  jsonButton.addEventListener("click", () => {
    if (lastJson) download("results.json", "application/sparql-results+json", JSON.stringify(lastJson, null, 2));
  });

  function showError(message) {
    results.replaceChildren(span("error-message", message));
    status.textContent = "Failed.";
  }

  async function run() {
    insertPrefixes(missingPrefixes());
    const text = textarea.value;
    const link = permalinkFor(text);
    permalink.href = link;
    history.replaceState(null, "", link);
    current = null; lastJson = null;
    csvButton.disabled = jsonButton.disabled = true;
    status.textContent = "Running…";
    let resp;
    try {
      resp = await fetch(data.endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: new URLSearchParams({ query: text }),
      });
    } catch (err) {
      showError("The server did not answer: " + err);
      return;
    }
    const type = resp.headers.get("Content-Type") || "";
    if (!resp.ok) {
      let message = resp.status + " " + resp.statusText;
      try {
        const body = type.includes("json") ? await resp.json() : null;
        if (body && body.message) message = body.message;
      } catch (err) { /* keep the status line */ }
      showError(message);
      return;
    }
    if (type.includes("json")) {
      const body = await resp.json();
      lastJson = body;
      jsonButton.disabled = false;
      if (typeof body.boolean === "boolean") {
        results.replaceChildren(span("boolean", body.boolean ? "true" : "false"));
        status.textContent = "Done.";
        return;
      }
      current = { vars: body.head.vars, rows: body.results.bindings };
      csvButton.disabled = false;
      showPage(1);
      status.textContent = "Done.";
    } else {
      const out = document.createElement("pre");
      out.className = "graph-result";
      out.textContent = await resp.text();
      results.replaceChildren(out);
      status.textContent = "Done.";
    }
  }

  // ------------------------------------------------------------------ wiring

  let timer = null;
  function changed() {
    highlight();
    clearTimeout(timer);
    timer = setTimeout(() => { permalink.href = permalinkFor(textarea.value); }, 200);
  }

  textarea.addEventListener("input", changed);
  textarea.addEventListener("scroll", syncScroll);
  textarea.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      run();
    } else if (ev.key === "Tab" && !ev.shiftKey) {
      ev.preventDefault();
      const s = textarea.selectionStart;
      textarea.value = textarea.value.slice(0, s) + "  " + textarea.value.slice(textarea.selectionEnd);
      textarea.selectionStart = textarea.selectionEnd = s + 2;
      changed();
    }
  });
  form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
  document.querySelectorAll("button.prefix").forEach((b) => {
    b.addEventListener("click", () => { insertPrefixes([b.dataset.prefix]); textarea.focus(); });
  });
  document.getElementById("add-prefixes").addEventListener("click", () => {
    const n = insertPrefixes(missingPrefixes());
    status.textContent = n ? "Added " + n + " prefix" + (n === 1 ? "" : "es") + "." : "No prefix missing.";
  });
  document.querySelectorAll("a.canned-query").forEach((a) => {
    a.addEventListener("click", (ev) => {
      const q = data.canned[a.dataset.name];
      if (!q) return;
      ev.preventDefault();
      textarea.value = q.text;
      document.querySelectorAll("a.canned-query.active").forEach((x) => x.classList.remove("active"));
      a.classList.add("active");
      changed();
      run();
    });
  });

  highlight();
  if (data.run) run();
})();
