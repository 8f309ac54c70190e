/* Autocomplete for every search box (input.search-combo): the ARIA combobox pattern over /search JSON.
   Arrow keys move through the list, Enter opens the chosen entity (the first one when none is chosen),
   Escape closes the list.  A box with data-pick="iri" puts the chosen entity's IRI into its form field
   and submits its form instead of opening the page (the explorer picks its centre that way); with
   data-target="id" the box keeps the name and the IRI goes into that hidden field (the dashboard's long lists). */
(function () {
  "use strict";

  function setup(input) {
    const list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) return;
    const kinds = (input.dataset.kinds || "").split(" ").filter(Boolean);
    const pick = input.dataset.pick || "";
    let hits = [];
    let active = -1;
    let timer = null;
    let seq = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark() {
      Array.from(list.children).forEach((li, i) => {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", list.children[active].id);
        list.children[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(hit) {
      if (!hit) return;
      if (pick === "iri") {
        // a box with data-target shows the name and puts the IRI in that (hidden) field
        const target = input.dataset.target ? document.getElementById(input.dataset.target) : null;
        if (target) {
          target.value = hit.iri;
          input.value = hit.label;
        } else {
          input.value = hit.iri;
        }
        close();
        input.form.submit();
      } else {
        window.location.assign(hit.url);
      }
    }

    function render() {
      list.textContent = "";
      hits.forEach((hit, i) => {
        const li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.iri = hit.iri;
        const name = document.createElement("span");
        name.className = "combo-name";
        name.textContent = hit.label;
        li.appendChild(name);
        const meta = document.createElement("span");
        meta.className = "combo-meta";
        meta.textContent = hit.kind + (hit.matched !== hit.label ? " · " + hit.matched : "") +
          (hit.country ? " · " + hit.country : "");
        li.appendChild(meta);
        li.addEventListener("mousedown", (ev) => { ev.preventDefault(); choose(hit); });
        list.appendChild(li);
      });
      active = -1;
      const open = hits.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      mark();
    }

    async function lookup() {
      const text = input.value.trim();
      const mine = ++seq;
      if (text.length < 2) { hits = []; close(); return; }
      const params = new URLSearchParams({ q: text, format: "json", limit: "8" });
      kinds.forEach((k) => params.append("kind", k));
      try {
        const resp = await fetch("/search?" + params.toString(), { headers: { Accept: "application/json" } });
        if (!resp.ok || mine !== seq) return;
        const body = await resp.json();
        if (mine !== seq) return;
        hits = body.hits || [];
        render();
      } catch (err) {
        hits = [];
        close();
      }
    }

    input.addEventListener("input", () => {
      // emptying a box with a hidden target drops its choice (the filter then covers everything)
      const target = input.dataset.target ? document.getElementById(input.dataset.target) : null;
      if (target && !input.value.trim()) target.value = "";
      clearTimeout(timer);
      timer = setTimeout(lookup, 120);
    });
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        if (list.hidden) { if (hits.length) render(); else lookup(); }
        if (!hits.length) return;
        ev.preventDefault();
        const step = ev.key === "ArrowDown" ? 1 : -1;
        active += step;
        if (active >= hits.length) active = -1;
        if (active < -1) active = hits.length - 1;
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        mark();
      } else if (ev.key === "Enter") {
        if (!list.hidden && hits.length) {
          ev.preventDefault();
          choose(hits[active >= 0 ? active : 0]);
        }
      } else if (ev.key === "Escape") {
        if (!list.hidden) { ev.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", () => { setTimeout(close, 150); });
  }

  document.querySelectorAll("input.search-combo").forEach(setup);
})();
