"""Accessibility checks in headless Chromium, written here as page scripts (no outside checker):
text contrast (WCAG AA), a label on every form control, landmarks, a skip link,
``aria-current`` on the navigation, error pages in the site layout, and no page
wider than a 390 px screen."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.support.browser import wait_for_graph

pytestmark = [pytest.mark.browser, pytest.mark.server]

#: every page the navigation reaches, a few it links to, and error pages
PAGES = ["/", "/query", "/query?name=projects&run=1", "/sparql", "/graph", "/dashboard?as_of=2021-01-01",
         "/documents", "/downloads", "/ontology", "/id/org/undp", "/id/person/nargizakhon-usmanova",
         "/id/no/such/thing", "/documents?page=x",
         "/dashboard?as_of=2021-01-01&org=https%3A%2F%2Fw3id.org%2Fmakb%2Fid%2Forg%2Funitar&card=unit&per=2",
         "/id/project/community-based-small-business-trainings-and-micro-credit-re-70e1f01c",
         "/id/evaluation/final-evaluation-of-the-support-to-tajikistan-mine-0a3ef5ab/rec/3/action/1"]
NAV = {"/query": "Query editor", "/graph": "Partner graph", "/dashboard": "Commitments",
       "/documents": "Documents", "/downloads": "Downloads", "/ontology": "Ontology"}

#: WCAG 2.x contrast of every visible text node against the background it is drawn on
CONTRAST_JS = """() => {
  function parse(c) {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  }
  function over(top, below) {
    const a = top.a + below.a * (1 - top.a);
    const mix = (x, y) => a === 0 ? 0 : (x * top.a + y * below.a * (1 - top.a)) / a;
    return {r: mix(top.r, below.r), g: mix(top.g, below.g), b: mix(top.b, below.b), a: a};
  }
  function luminance(c) {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function background(el) {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let bg = {r: 255, g: 255, b: 255, a: 1};
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  }
  function opacity(el) {
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
  }
  const failures = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let checked = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest("script, style, noscript, textarea, option, datalist, title")) continue;
    if (el.closest(":disabled, [aria-disabled=true]")) continue;   // inactive controls are exempt
    if (!el.checkVisibility({checkOpacity: true, visibilityProperty: true})) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rect = range.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0 || rect.bottom + window.scrollY < 0) continue;
    const style = getComputedStyle(el);
    const svg = el instanceof SVGElement;
    const fg = parse(svg ? style.fill : style.color);
    if (!fg) continue;
    const bg = background(svg ? el.closest("svg") : el);
    fg.a *= opacity(el);
    const shown = over(fg, bg);
    const l1 = luminance(shown), l2 = luminance(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (size >= 18.66 && bold);
    checked++;
    if (ratio < (large ? 3 : 4.5)) {
      failures.push({text: text.slice(0, 40), ratio: Math.round(ratio * 100) / 100, color: style.color,
                     background: `rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)})`,
                     where: el.tagName + (el.className && typeof el.className === "string" ? "." + el.className : "")});
    }
  }
  return {checked: checked, failures: failures};
}"""

#: form controls without an accessible name
LABELS_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden" || ["submit", "button", "reset", "image"].includes(el.type)) continue;
    const byLabel = Array.from(el.labels || []).some((l) => l.textContent.trim());
    const byAria = (el.getAttribute("aria-label") || "").trim() ||
      (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean)
        .some((id) => (document.getElementById(id) || {textContent: ""}).textContent.trim());
    if (!byLabel && !byAria && !(el.title || "").trim()) out.push(el.outerHTML.slice(0, 120));
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    const name = (el.textContent || "").trim() || el.getAttribute("aria-label") || el.title;
    if (!name) out.push(el.outerHTML.slice(0, 120));
  }
  return out;
}"""

#: landmarks and the skip link
LANDMARKS_JS = """() => {
  const first = document.querySelector("body a[href], body button");
  const target = first && first.getAttribute("href") && first.getAttribute("href").startsWith("#")
    ? document.getElementById(first.getAttribute("href").slice(1)) : null;
  const top = (sel) => Array.from(document.querySelectorAll(sel))
    .filter((e) => !e.parentElement.closest("main, article, aside, section, nav"));
  return {
    main: document.querySelectorAll("main, [role=main]").length,
    banner: top("header").length,
    contentinfo: top("footer").length,
    nav: document.querySelectorAll("header nav[aria-label]").length,
    skip: first ? first.textContent.trim() : null,
    skipTarget: target ? target.tagName : null,
    current: Array.from(document.querySelectorAll("[aria-current=page]"), (e) => e.textContent.trim()),
    h1: document.querySelectorAll("h1").length,
    lang: document.documentElement.lang,
  };
}"""


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    if "/graph" in url:
        wait_for_graph(page)
    if "run=1" in url:
        page.wait_for_selector(".result-table tbody tr")
    page.wait_for_load_state("load")


def checked(browser: Browser, base: str, width: int, check: Any) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    outside: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda req: None if req.url.startswith((base, "data:", "blob:", "about:"))
                else outside.append(req.url))
        out = {path: check(page, base + path) for path in PAGES}
    finally:
        context.close()
    assert outside == []
    return out


@pytest.mark.parametrize("width", [1440, 390])
def test_text_contrast_is_wcag_aa_on_every_page(browser: Browser, site: str, width: int) -> None:
    def check(page: Page, url: str) -> dict[str, Any]:
        open_page(page, url)
        result: dict[str, Any] = page.evaluate(CONTRAST_JS)
        return result

    for path, result in checked(browser, site, width, check).items():
        assert result["checked"] > 5, path
        assert result["failures"] == [], (path, json.dumps(result["failures"][:10], indent=1))


def test_the_contrast_check_finds_low_contrast(browser: Browser, site: str) -> None:
    page = browser.new_page()
    try:
        page.goto(site + "/")
        page.evaluate("""() => { const p = document.createElement('p'); p.textContent = 'faint words';
                                 p.style.color = '#cccccc'; document.querySelector('main').append(p); }""")
        failures = page.evaluate(CONTRAST_JS)["failures"]
    finally:
        page.close()
    assert [f["text"] for f in failures] == ["faint words"] and failures[0]["ratio"] < 2


def test_every_control_is_labelled_and_landmarks_are_there(browser: Browser, site: str) -> None:
    def check(page: Page, url: str) -> dict[str, Any]:
        open_page(page, url)
        return {"unlabelled": page.evaluate(LABELS_JS), **page.evaluate(LANDMARKS_JS)}

    for path, r in checked(browser, site, 1440, check).items():
        assert r["unlabelled"] == [], (path, r["unlabelled"])
        assert (r["main"], r["banner"], r["contentinfo"], r["nav"], r["h1"]) == (1, 1, 1, 1, 1), (path, r)
        assert r["skip"] == "Skip to content" and r["skipTarget"] == "MAIN", (path, r)
        assert r["lang"] == "en"
        bare = path.split("?")[0]
        if bare in NAV:
            assert r["current"] == [NAV[bare]], (path, r["current"])
        elif bare == "/sparql":
            assert r["current"] == ["Query editor"]
        elif bare == "/":
            assert r["current"] == ["Mine Action KB"]
        else:
            assert r["current"] == [], (path, r["current"])


def test_the_skip_link_moves_focus_to_the_content(browser: Browser, site: str) -> None:
    page = browser.new_page()
    try:
        page.goto(site + "/documents")
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"
        assert page.locator(".skip-link").bounding_box()["y"] >= 0   # type: ignore[index]
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main"
    finally:
        page.close()


def test_no_page_is_wider_than_a_390_px_screen(browser: Browser, site: str) -> None:
    def check(page: Page, url: str) -> dict[str, Any]:
        open_page(page, url)
        return page.evaluate("""() => ({scroll: document.documentElement.scrollWidth, view: window.innerWidth,
            wide: Array.from(document.querySelectorAll('body *')).filter((e) => {
                const r = e.getBoundingClientRect(); return r.right > window.innerWidth + 1 && r.width > 0 &&
                    !e.closest('.table-scroll, .scroll, table, pre, .code-editor');
            }).slice(0, 5).map((e) => e.tagName + '.' + e.className + ' '
                                      + Math.round(e.getBoundingClientRect().right))})""")

    for path, r in checked(browser, site, 390, check).items():
        assert r["scroll"] <= r["view"], (path, r)


def test_error_pages_have_the_layout_and_plain_titles(browser: Browser, site: str) -> None:
    page = browser.new_page()
    try:
        resp = page.goto(site + "/documents?page=x")
        assert resp is not None and resp.status == 400
        assert page.locator("h1").inner_text() == "Bad request: page must be a positive whole number, got 'x'"
        assert page.title().startswith("Bad request: page must be")
        assert page.locator("header nav a").count() == len(NAV)
        resp = page.goto(site + "/id/no/such/thing")
        assert resp is not None and resp.status == 404
        assert page.locator("h1").inner_text() == "Not found"
        assert "config" not in page.content() and "404 not-found" not in page.content()
    finally:
        page.close()
    # API clients keep the one JSON error shape
    request = urllib.request.Request(site + "/documents?page=x", headers={"Accept": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert json.loads(caught.value.read()) == {"error": "config", "status": 400,
                                               "message": "page must be a positive whole number, got 'x'"}
