/* The query editor: a textarea over a highlighted <pre> with a line-number gutter,
   syntax errors marked at their line and column, prefixes on demand, canned
   queries in one click, a cancel button, elapsed time and row count, history
   through the URL (Back and Forward restore query and results), and results
   through results.js. Tab moves on unless Ctrl+M made it indent.
   Text from queries and results is only ever set through textContent, never
   parsed as HTML. */
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
  const gutter = document.getElementById("gutter");
  const errorBox = document.getElementById("query-error");
  const truncation = document.getElementById("truncation");
  const tabMode = document.getElementById("tab-mode");
  const runButton = document.getElementById("run");
  const cancelButton = document.getElementById("cancel");
  const csvButton = document.getElementById("download-csv");
  const jsonButton = document.getElementById("download-json");
  const ttlButton = document.getElementById("download-ttl");
  const R = window.MakbResults;

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

  let mark = null;        // {line, column} of the syntax error shown, until the text changes

  /* The UTF-16 index of a 1-based line and column counted in characters. */
  function indexOf(text, line, column) {
    const lines = text.split("\n");
    if (line < 1 || line > lines.length) return text.length;
    let start = 0;
    for (let i = 0; i < line - 1; i++) start += lines[i].length + 1;
    const chars = Array.from(lines[line - 1]);
    return start + chars.slice(0, Math.max(0, column - 1)).join("").length;
  }

  function highlight() {
    const text = textarea.value;
    const frag = document.createDocumentFragment();
    const at = mark ? indexOf(text, mark.line, mark.column) : -1;
    let marked = false;
    function emit(cls, piece, offset) {
      if (!marked && at >= offset && at < offset + piece.length) {
        marked = true;
        if (at > offset) emit(cls, piece.slice(0, at - offset), offset);
        // a token is marked from the error to its end; plain text for one character
        const end = cls ? piece.length : at - offset + 1;
        const m = span("tok-error", piece.slice(at - offset, end));
        if (cls) m.classList.add(cls);
        frag.appendChild(m);
        if (offset + end < offset + piece.length) emit(cls, piece.slice(end), offset + end);
        return;
      }
      frag.appendChild(cls ? span(cls, piece) : document.createTextNode(piece));
    }
    let last = 0;
    TOKEN.lastIndex = 0;
    let m;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      if (m.index > last) emit(null, text.slice(last, m.index), last);
      let group = 1;
      while (group < m.length && m[group] === undefined) group++;
      let cls = CLASSES[group];
      if (group === 7) {
        const upper = m[0].toUpperCase();
        cls = KEYWORDS.has(upper) || m[0] === "a" ? "tok-keyword" : (FUNCTIONS.has(upper) ? "tok-function" : null);
      }
      emit(cls, m[0], m.index);
      last = m.index + m[0].length;
    }
    if (last < text.length) emit(null, text.slice(last), last);
    if (mark && !marked) frag.appendChild(span("tok-error tok-end", " "));
    frag.appendChild(document.createTextNode("\n"));
    code.replaceChildren(frag);
    numberLines(text);
    syncScroll();
  }

  function numberLines(text) {
    const count = text.split("\n").length;
    const frag = document.createDocumentFragment();
    for (let i = 1; i <= count; i++) {
      const n = span(mark && mark.line === i ? "line-number error-line" : "line-number", String(i));
      frag.appendChild(n);
      frag.appendChild(document.createTextNode("\n"));
    }
    frag.appendChild(document.createTextNode("\n\n"));
    gutter.replaceChildren(frag);
  }

  function syncScroll() {
    pre.scrollTop = textarea.scrollTop;
    pre.scrollLeft = textarea.scrollLeft;
    gutter.scrollTop = textarea.scrollTop;
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

  const labels = new Map();   // IRI -> name, from /api/labels
  const table = new R.ResultTable(results, { pageSize: data.pageSize, entityUrl: entityUrl, shortName: shortName, labels: labels });
  const answers = new Map();  // query text -> the last answer shown for it, for Back and Forward
  const MAX_KEPT = 20;
  const MAX_LABELLED = 1000;
  let shown = null;           // the answer on screen: {kind, vars, rows, json, truncated, seconds}
  let running = null;         // {controller, started, timer} while a query runs

  function plural(n, word) { return n.toLocaleString("en") + " " + word + (n === 1 ? "" : "s"); }
  function seconds(ms) { return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + " s"; }

  function truncationText(answer) {
    const what = answer.kind === "graph" ? "triples" : "rows";
    return "The server stopped this answer at " + answer.rows.length.toLocaleString("en") + " " + what +
      " (its limit is " + data.maxRows.toLocaleString("en") + "): more " + what +
      " match the query. Add LIMIT and OFFSET, or narrow the query, to see the rest.";
  }

  function showAnswer(answer) {
    shown = answer;
    truncation.hidden = !answer.truncated;
    truncation.textContent = answer.truncated ? truncationText(answer) : "";
    csvButton.disabled = !(answer.kind === "select" || answer.kind === "graph");
    jsonButton.disabled = answer.kind !== "select" && answer.kind !== "ask";
    jsonButton.hidden = answer.kind === "graph";
    ttlButton.hidden = ttlButton.disabled = answer.kind !== "graph";
    if (answer.kind === "ask") {
      results.replaceChildren(R.el("p", "boolean", answer.value ? "true" : "false"));
      status.textContent = "Answer: " + (answer.value ? "true" : "false") + " in " + seconds(answer.ms) + ".";
      return;
    }
    table.load(answer.vars, answer.rows);
    const what = answer.kind === "graph" ? plural(answer.rows.length, "triple") : plural(answer.rows.length, "row");
    status.textContent = what + (answer.truncated ? " (cut at the server's limit)" : "") + " in " + seconds(answer.ms) + ".";
    nameIris();
  }

  async function nameIris() {
    const wanted = table.iris(MAX_LABELLED).filter((i) => !labels.has(i));
    if (wanted.length === 0) { table.relabel(); return; }
    try {
      const resp = await fetch("/api/labels", {
        method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ iris: wanted }),
      });
      if (!resp.ok) return;
      const body = await resp.json();
      for (const [iri, name] of Object.entries(body.labels || {})) labels.set(iri, name);
      table.relabel();
    } catch (err) { /* names are a nicety: the short IRIs stay */ }
  }

  function clearResults() {
    shown = null;
    results.replaceChildren();
    truncation.hidden = true;
    csvButton.disabled = jsonButton.disabled = ttlButton.disabled = true;
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
    if (shown && shown.rows) download("results.csv", "text/csv", table.csv(shown.truncated ? truncationText(shown) : ""));
  });
  jsonButton.addEventListener("click", () => {
    if (!shown || !shown.json) return;
    const body = Object.assign({}, shown.json);
    if (shown.truncated) { body.truncated = true; body.notice = truncationText(shown); }
    download("results.json", "application/sparql-results+json", JSON.stringify(body, null, 2));
  });
  ttlButton.addEventListener("click", () => {
    if (!shown || shown.kind !== "graph") return;
    let text = R.toTurtle(shown.rows, Object.assign({ id: data.base }, data.prefixes));
    if (shown.truncated) text = "# " + truncationText(shown) + "\n" + text;
    download("results.ttl", "text/turtle", text);
  });

  // ------------------------------------------------------------------ errors

  function showMark(line, column) {
    mark = { line: line, column: column };
    highlight();
    const top = (line - 1) * parseFloat(getComputedStyle(textarea).lineHeight);
    if (top < textarea.scrollTop || top > textarea.scrollTop + textarea.clientHeight - 40) {
      textarea.scrollTop = Math.max(0, top - textarea.clientHeight / 3);
    }
  }

  function showError(body, ms) {
    clearResults();
    errorBox.replaceChildren();
    if (body.line) {
      const go = R.el("button", "link-button", "Line " + body.line + ", column " + body.column);
      go.type = "button";
      go.addEventListener("click", () => {
        const i = indexOf(textarea.value, body.line, body.column);
        textarea.focus();
        textarea.setSelectionRange(i, i);
      });
      const short = body.message.replace(/^SPARQL syntax error at line \d+, column \d+: /, "");
      errorBox.append(go, document.createTextNode(": " + short));
      showMark(body.line, body.column);
    } else {
      errorBox.textContent = body.message;
    }
    errorBox.hidden = false;
    status.textContent = "Failed after " + seconds(ms) + ".";
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.replaceChildren();
    if (mark) { mark = null; highlight(); }
  }

  // ------------------------------------------------------------------ running

  let finished = 0;          // queries ended (answered, failed or cancelled): tests wait on data-finished
  function finish() {
    if (!running) return;
    form.dataset.finished = String(++finished);
    clearInterval(running.timer);
    running = null;
    cancelButton.disabled = true;
    runButton.disabled = false;
  }

  function cancel() {
    if (!running) return;
    const ms = performance.now() - running.started;
    running.controller.abort();
    finish();
    status.textContent = "Cancelled after " + seconds(ms) + ".";
    results.replaceChildren(R.el("p", "cancelled", "Query cancelled: no rows."));
  }

  async function fetchAnswer(text, signal, started) {
    const resp = await fetch(data.endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
      },
      body: new URLSearchParams({ query: text }),
      signal: signal,
    });
    const type = resp.headers.get("Content-Type") || "";
    const truncated = (resp.headers.get("X-MAKB-Truncated") || "").toLowerCase() === "true";
    if (!resp.ok) {
      let body = { message: resp.status + " " + resp.statusText };
      try { if (type.includes("json")) body = await resp.json(); } catch (err) { /* keep the status line */ }
      return { kind: "error", body: body, ms: performance.now() - started };
    }
    if (type.includes("json")) {
      const json = await resp.json();
      const ms = performance.now() - started;
      if (typeof json.boolean === "boolean") return { kind: "ask", value: json.boolean, json: json, ms: ms };
      return { kind: "select", vars: json.head.vars, rows: json.results.bindings, json: json, truncated: truncated, ms: ms };
    }
    const rows = R.parseNTriples(await resp.text());
    return { kind: "graph", vars: ["subject", "predicate", "object"], rows: rows, truncated: truncated,
             ms: performance.now() - started };
  }

  /* Run the editor's query; `how` is "push" (a new history entry), "replace" or "none". */
  async function run(how) {
    if (running) cancel();
    insertPrefixes(missingPrefixes());
    const text = textarea.value;
    const link = permalinkFor(text);
    permalink.href = link;
    if (how === "push" && (history.state === null || history.state.query !== text)) history.pushState({ query: text }, "", link);
    else if (how !== "none") history.replaceState({ query: text }, "", link);
    shownAddress = location.pathname + location.search;
    clearError();
    clearResults();
    const started = performance.now();
    const controller = new AbortController();
    running = { controller: controller, started: started,
                timer: setInterval(() => { status.textContent = "Running… " + seconds(performance.now() - started); }, 250) };
    status.textContent = "Running…";
    cancelButton.disabled = false;
    let answer;
    try {
      answer = await fetchAnswer(text, controller.signal, started);
    } catch (err) {
      if (controller.signal.aborted) return;   // cancel() said so already
      finish();
      showError({ message: "The server did not answer: " + err }, performance.now() - started);
      return;
    }
    if (running === null || running.controller !== controller) return;
    finish();
    if (answer.kind === "error") { showError(answer.body, answer.ms); return; }
    answers.delete(text);
    answers.set(text, answer);
    if (answers.size > MAX_KEPT) answers.delete(answers.keys().next().value);
    showAnswer(answer);
  }

  // ------------------------------------------------------------------ wiring

  let timer = null;
  let tabIndents = false;
  let shownAddress = "";     // path and query of the history entry on screen
  function changed() {
    if (mark) { mark = null; errorBox.hidden = true; }
    highlight();
    clearTimeout(timer);
    timer = setTimeout(() => { permalink.href = permalinkFor(textarea.value); }, 200);
  }

  function setTabMode(indent) {
    tabIndents = indent;
    tabMode.textContent = indent ? "Tab indents (Escape to move on)." : "Tab moves on.";
  }

  textarea.addEventListener("input", changed);
  textarea.addEventListener("scroll", syncScroll);
  textarea.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      run("push");
    } else if ((ev.key === "m" || ev.key === "M") && ev.ctrlKey && !ev.altKey && !ev.metaKey) {
      ev.preventDefault();
      setTabMode(!tabIndents);
    } else if (ev.key === "Escape" && tabIndents) {
      setTabMode(false);
    } else if (ev.key === "Tab" && tabIndents && !ev.shiftKey && !ev.ctrlKey && !ev.altKey) {
      ev.preventDefault();
      const s = textarea.selectionStart;
      textarea.value = textarea.value.slice(0, s) + "  " + textarea.value.slice(textarea.selectionEnd);
      textarea.selectionStart = textarea.selectionEnd = s + 2;
      changed();
    }
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && running) cancel();
  });
  form.addEventListener("submit", (ev) => { ev.preventDefault(); run("push"); });
  cancelButton.addEventListener("click", cancel);
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
      run("push");
    });
  });

  // Back and Forward: the query of the entry, and its answer (kept, or run again)
  window.addEventListener("popstate", (ev) => {
    // a jump within the page (the skip link's #main) leaves the editor as it is
    if (!ev.state || typeof ev.state.query !== "string" || location.pathname + location.search === shownAddress) return;
    shownAddress = location.pathname + location.search;
    const params = new URLSearchParams(location.search);
    const text = ev.state.query;
    if (running) { running.controller.abort(); finish(); }
    textarea.value = text;
    clearError();
    highlight();
    permalink.href = permalinkFor(text);
    const kept = answers.get(text);
    if (kept) showAnswer(kept);
    else if (text && params.get("run")) run("none");
    else { clearResults(); status.textContent = ""; }
  });

  history.replaceState({ query: textarea.value }, "", location.href);
  shownAddress = location.pathname + location.search;
  highlight();
  if (data.run) run("none");
})();
