/* Query results for the editor: a sortable, paged table of SPARQL JSON rows (or of
   the triples of a CONSTRUCT/DESCRIBE, read from N-Triples), IRIs shown by their
   names with the IRI on hover, and the CSV, JSON and Turtle downloads (each one
   saying when the server cut the answer). Exposes window.MakbResults.
   Text from results is only ever set through textContent, never parsed as HTML. */
(function () {
  "use strict";

  const NUMERIC = /#(integer|decimal|double|float|long|int|short|byte|nonNegativeInteger|positiveInteger|negativeInteger|nonPositiveInteger|unsignedLong|unsignedInt|unsignedShort|unsignedByte)$/;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ------------------------------------------------------------------ N-Triples

  function unescape(text) {
    return text.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g, (m, u4, u8, c) => {
      if (u4 || u8) return String.fromCodePoint(parseInt(u4 || u8, 16));
      return { t: "\t", n: "\n", r: "\r", b: "\b", f: "\f", '"': '"', "'": "'", "\\": "\\" }[c] || c;
    });
  }

  const NT_TERM = /\s*(?:<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?)/y;

  /* The triples of an N-Triples document as rows {subject, predicate, object} of SPARQL JSON terms. */
  function parseNTriples(text) {
    const rows = [];
    for (const line of text.split(/\r?\n/)) {
      if (!line.trim() || line.trim().startsWith("#")) continue;
      const terms = [];
      NT_TERM.lastIndex = 0;
      for (let i = 0; i < 3; i++) {
        const m = NT_TERM.exec(line);
        if (!m) break;
        if (m[1] !== undefined) terms.push({ type: "uri", value: unescape(m[1]) });
        else if (m[2] !== undefined) terms.push({ type: "bnode", value: m[2] });
        else {
          const t = { type: "literal", value: unescape(m[3]) };
          if (m[4]) t["xml:lang"] = m[4];
          else if (m[5]) t.datatype = unescape(m[5]);
          terms.push(t);
        }
      }
      if (terms.length === 3) rows.push({ subject: terms[0], predicate: terms[1], object: terms[2] });
    }
    return rows;
  }

  // ------------------------------------------------------------------ Turtle

  function turtleString(value) {
    return '"' + value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r") + '"';
  }

  /* The triples as Turtle, with the prefixes they use declared. */
  function toTurtle(rows, prefixes) {
    const used = new Map();
    const entries = Object.entries(prefixes).sort((a, b) => b[1].length - a[1].length);
    function iri(value) {
      for (const [p, ns] of entries) {
        const local = value.slice(ns.length);
        if (value.startsWith(ns) && /^[A-Za-z0-9_]([A-Za-z0-9_-]*)$/.test(local)) {
          used.set(p, ns);
          return p + ":" + local;
        }
      }
      return "<" + value.replace(/[\u0000-\u0020<>"{}|^`\\]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")) + ">";
    }
    function term(t) {
      if (t.type === "uri") return iri(t.value);
      if (t.type === "bnode") return "_:" + t.value.replace(/[^A-Za-z0-9_-]/g, "_");
      if (t["xml:lang"]) return turtleString(t.value) + "@" + t["xml:lang"];
      if (t.datatype && !t.datatype.endsWith("#string")) return turtleString(t.value) + "^^" + iri(t.datatype);
      return turtleString(t.value);
    }
    const bySubject = new Map();
    for (const r of rows) {
      const s = term(r.subject);
      if (!bySubject.has(s)) bySubject.set(s, new Map());
      const preds = bySubject.get(s);
      const p = r.predicate.value === "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" ? "a" : term(r.predicate);
      if (!preds.has(p)) preds.set(p, []);
      preds.get(p).push(term(r.object));
    }
    const blocks = [];
    for (const [s, preds] of bySubject) {
      const parts = [];
      for (const [p, objects] of preds) parts.push(p + " " + objects.join(" ,\n        "));
      blocks.push(s + "\n    " + parts.join(" ;\n    ") + " .");
    }
    const head = Array.from(used).sort().map(([p, ns]) => "@prefix " + p + ": <" + ns + "> .");
    return (head.length ? head.join("\n") + "\n\n" : "") + blocks.join("\n\n") + "\n";
  }

  // ------------------------------------------------------------------ CSV

  function csvValue(term) {
    if (!term) return "";
    const v = term.type === "bnode" ? "_:" + term.value : term.value;
    return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }

  // ------------------------------------------------------------------ the table

  /* A result view: rows shown a page at a time in `container`, sortable by any column. */
  function ResultTable(container, opts) {
    this.container = container;
    this.opts = opts;          // {pageSize, entityUrl(iri), shortName(iri), labels: Map}
    this.vars = [];
    this.rows = [];
    this.sortVar = null;
    this.sortDir = 0;          // 1 ascending, -1 descending
    this.page = 1;
  }

  ResultTable.prototype.load = function (vars, rows) {
    this.vars = vars;
    this.rows = rows.slice();
    this.original = rows;
    this.sortVar = null;
    this.sortDir = 0;
    this.show(1);
  };

  ResultTable.prototype.display = function (term) {
    if (!term) return "";
    if (term.type === "uri") return this.opts.labels.get(term.value) || this.opts.shortName(term.value);
    if (term.type === "bnode") return "_:" + term.value;
    return term.value;
  };

  ResultTable.prototype.sortBy = function (v) {
    if (this.sortVar === v) this.sortDir = this.sortDir === 1 ? -1 : 1;
    else { this.sortVar = v; this.sortDir = 1; }
    const dir = this.sortDir;
    const key = (term) => {
      if (!term) return null;
      if (term.type === "literal" && term.datatype && NUMERIC.test(term.datatype)) return Number(term.value);
      return this.display(term).toLowerCase();
    };
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
    const keyed = this.rows.map((row, i) => [key(row[v]), i, row]);
    keyed.sort((a, b) => {
      if (a[0] === null || b[0] === null) return a[0] === b[0] ? a[1] - b[1] : (a[0] === null ? 1 : -1);
      let c;
      if (typeof a[0] === "number" && typeof b[0] === "number") c = a[0] - b[0];
      else c = collator.compare(String(a[0]), String(b[0]));
      return c !== 0 ? c * dir : a[1] - b[1];
    });
    this.rows = keyed.map((k) => k[2]);
    this.show(1);
    const button = this.container.querySelector('th[data-var="' + CSS.escape(v) + '"] button');
    if (button) button.focus();
  };

  ResultTable.prototype.cell = function (term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = el("a", "iri", this.display(term));
      a.href = this.opts.entityUrl(term.value);
      a.title = term.value;
      a.dataset.iri = term.value;
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.appendChild(el("span", "bnode", "_:" + term.value));
    } else {
      td.appendChild(el("span", "lit", term.value));
      const numeric = term.datatype && NUMERIC.test(term.datatype);
      const tag = term["xml:lang"] ? "@" + term["xml:lang"] : (term.datatype ? this.opts.shortName(term.datatype) : "");
      if (numeric) {
        td.className = "num";
        td.title = tag;
      } else if (tag && !tag.endsWith("string")) {
        td.appendChild(document.createTextNode(" "));
        td.appendChild(el("span", "tag", tag));
      }
    }
    return td;
  };

  ResultTable.prototype.show = function (page) {
    const size = this.opts.pageSize;
    const pages = Math.max(1, Math.ceil(this.rows.length / size));
    page = Math.min(Math.max(1, page), pages);
    this.page = page;
    const wrap = el("div", "table-scroll");
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", "query results");
    const table = el("table", "result-table");
    const head = table.createTHead().insertRow();
    for (const v of this.vars) {
      const th = document.createElement("th");
      th.scope = "col";
      th.dataset.var = v;
      const button = el("button", "sort", v);
      button.type = "button";
      button.title = "sort by " + v;
      if (this.sortVar === v) {
        th.setAttribute("aria-sort", this.sortDir === 1 ? "ascending" : "descending");
        button.appendChild(el("span", "sort-mark", this.sortDir === 1 ? " ▲" : " ▼"));
      }
      button.addEventListener("click", () => this.sortBy(v));
      th.appendChild(button);
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const row of this.rows.slice((page - 1) * size, page * size)) {
      const tr = body.insertRow();
      for (const v of this.vars) tr.appendChild(this.cell(row[v]));
    }
    wrap.appendChild(table);
    const parts = [wrap];
    if (pages > 1) {
      const nav = el("nav", "pager");
      nav.setAttribute("aria-label", "result pages");
      const prev = el("button", "", "← previous");
      prev.type = "button"; prev.disabled = page === 1;
      prev.addEventListener("click", () => this.show(page - 1));
      const next = el("button", "", "next →");
      next.type = "button"; next.disabled = page === pages;
      next.addEventListener("click", () => this.show(page + 1));
      nav.append(prev, el("span", "", "page " + page + " of " + pages), next);
      parts.push(nav);
    }
    this.container.replaceChildren(...parts);
  };

  /* Put newly known names on the links of the page shown. */
  ResultTable.prototype.relabel = function () {
    this.container.querySelectorAll("a.iri").forEach((a) => {
      const name = this.opts.labels.get(a.dataset.iri);
      if (name) a.textContent = name;
    });
  };

  ResultTable.prototype.iris = function (most) {
    const out = new Set();
    for (const row of this.original || []) {
      for (const v of this.vars) {
        const t = row[v];
        if (t && t.type === "uri") out.add(t.value);
        if (out.size >= most) return Array.from(out);
      }
    }
    return Array.from(out);
  };

  ResultTable.prototype.csv = function (notice) {
    const lines = [this.vars.join(",")];
    for (const row of this.rows) lines.push(this.vars.map((v) => csvValue(row[v])).join(","));
    if (notice) lines.push(csvValue({ type: "literal", value: "# " + notice }));
    return lines.join("\r\n") + "\r\n";
  };

  window.MakbResults = { ResultTable: ResultTable, parseNTriples: parseNTriples, toTurtle: toTurtle, el: el };
})();
