// Shared helpers of the end-to-end tests: the site under test, the browser, and
// the page's test hooks (README "Test hooks").
//
// The site: `E2E_BASE_URL` when set (scripts/e2e.sh starts serve.mjs and sets it);
// otherwise each test file serves `dist/` itself on a free 127.0.0.1 port, so a
// single file also runs alone: `node --test e2e/tests/01-demo.test.mjs`.
//
// The browser: Debian's /usr/bin/chromium (override: CHROMIUM), headless, with the
// flags the closed network needs. Playwright makes a fresh user-data-dir per launch.
// Every request of every page is recorded; each test file asserts in its `after`
// hook that none left 127.0.0.1, and that the page threw no uncaught error.

import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../serve.mjs';

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(E2E_DIR, '..');
export const DIST = process.env.E2E_DIST ?? path.join(ROOT, 'dist');
export const ARTIFACTS = path.join(E2E_DIR, 'artifacts');
export const FIXTURES = path.join(E2E_DIR, 'fixtures');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long to wait for the page to react (analysis is debounced). */
export const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 10_000);

export function launchChromium(extra = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    ...extra,
  });
}

/** A URL is local when it stays on this machine's loopback (or never leaves the page). */
export function isLocalUrl(u) {
  if (/^(data|blob|about|chrome-error|javascript):/i.test(u)) return true;
  try {
    const { hostname, protocol } = new URL(u);
    if (protocol !== 'http:' && protocol !== 'https:' && protocol !== 'ws:' && protocol !== 'wss:') {
      return false;
    }
    return hostname === '127.0.0.1';
  } catch {
    return false;
  }
}

/**
 * Sets up one test file: the server (unless E2E_BASE_URL), the browser, request
 * recording, and the after-hook checks. Returns a handle whose fields are filled
 * by the `before` hook.
 */
export function useApp(fileTag) {
  const h = {
    baseUrl: process.env.E2E_BASE_URL ?? null,
    browser: null,
    server: null,
    requests: [], // { url, method, resourceType, page }
    pageErrors: [], // uncaught exceptions (a wasm panic shows up here)
    consoleErrors: [],
    contexts: [],
    tag: fileTag,
  };

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    if (!h.baseUrl) {
      assert.ok(
        fs.existsSync(path.join(DIST, 'index.html')),
        `${DIST}/index.html is missing: build the site first (scripts/e2e.sh does it)`,
      );
      h.server = await startServer({ root: DIST, port: 0 });
      h.baseUrl = h.server.url;
    }
    if (!h.baseUrl.endsWith('/')) h.baseUrl += '/';
    h.browser = await launchChromium();
  });

  after(async () => {
    for (const c of h.contexts) await c.close().catch(() => {});
    await h.browser?.close().catch(() => {});
    await h.server?.close();
    const log = h.requests.map((r) => `${r.method} ${r.resourceType} ${r.url}`).join('\n');
    fs.writeFileSync(path.join(ARTIFACTS, `requests--${h.tag}.log`), log + '\n');
    if (h.consoleErrors.length) {
      fs.writeFileSync(path.join(ARTIFACTS, `console-errors--${h.tag}.log`), h.consoleErrors.join('\n') + '\n');
    }
    const outside = h.requests.filter((r) => !isLocalUrl(r.url));
    assert.deepEqual(outside.map((r) => r.url), [], 'requests left 127.0.0.1');
    assert.deepEqual(h.pageErrors, [], 'uncaught errors in the page');
  });

  /** A fresh context (empty localStorage) and page, recording its requests. */
  h.newPage = async ({ viewport = { width: 1400, height: 900 }, clipboard = false, ...ctxOpts } = {}) => {
    const context = await h.browser.newContext({ viewport, acceptDownloads: true, ...ctxOpts });
    h.contexts.push(context);
    if (clipboard) {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: new URL(h.baseUrl).origin,
      });
    }
    // Anything not on loopback is recorded (by the listener below) and refused, so a
    // stray fetch fails fast instead of hanging on the closed network.
    await context.route(
      (url) => !isLocalUrl(url.href),
      (route) => route.abort('blockedbyclient'),
    );
    context.on('request', (req) =>
      h.requests.push({ url: req.url(), method: req.method(), resourceType: req.resourceType() }),
    );
    const page = await context.newPage();
    h.watch(page);
    return page;
  };

  h.watch = (page) => {
    page.on('pageerror', (err) => h.pageErrors.push(`${page.url()}: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') h.consoleErrors.push(`${page.url()}: ${msg.text()}`);
    });
  };

  return h;
}

// ---------------------------------------------------------------------------
// The page's hooks

/** Opens the app (optionally at `suffix`, e.g. '#...') and waits for the first graph. */
export async function openApp(page, baseUrl, suffix = '') {
  await page.goto(baseUrl + suffix, { waitUntil: 'load' });
  await waitForGraph(page);
}

export async function waitForGraph(page, timeout = TIMEOUT) {
  await page.waitForSelector('#editor', { state: 'attached', timeout });
  await page.waitForSelector('svg#graph [data-node]', { state: 'attached', timeout });
}

export function editorText(page) {
  return page.$eval('#editor', (el) => el.value);
}

/** Replaces the editor's text the way the contract says: set `.value`, dispatch `input`. */
export async function setEditorText(page, text) {
  await page.$eval(
    '#editor',
    (el, t) => {
      el.value = t;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    text,
  );
}

/** Node names (`data-node`) currently in the graph. */
export function nodeNames(page) {
  return page.$$eval('svg#graph [data-node]', (els) => [...new Set(els.map((e) => e.getAttribute('data-node')))]);
}

/** Every drawn flow element's hooks. */
export function flows(page) {
  return page.$$eval('svg#graph [data-from][data-to]', (els) =>
    els.map((e) => ({
      from: e.getAttribute('data-from'),
      to: e.getAttribute('data-to'),
      verdict: e.getAttribute('data-verdict'),
      blockedAt: e.getAttribute('data-blocked-at'),
      cniDependent: e.getAttribute('data-cni-dependent'),
      tag: e.tagName,
    })),
  );
}

/**
 * The verdicts of the flows from `from` to any of `tos` (in the page), as
 * [{to, verdicts: [...distinct], blockedAt: [...distinct]}] for the targets drawn.
 */
export function flowSummary(page, from, tos) {
  return page.evaluate(
    ({ from, tos }) => {
      const out = [];
      for (const to of tos) {
        const els = [...document.querySelectorAll('svg#graph [data-from][data-to]')].filter(
          (e) => e.getAttribute('data-from') === from && e.getAttribute('data-to') === to && e.hasAttribute('data-verdict'),
        );
        if (!els.length) continue;
        out.push({
          to,
          verdicts: [...new Set(els.map((e) => e.getAttribute('data-verdict')))].sort(),
          blockedAt: [...new Set(els.map((e) => e.getAttribute('data-blocked-at')).filter(Boolean))].sort(),
        });
      }
      return out;
    },
    { from, tos },
  );
}

/**
 * Waits until at least one flow from `from` to one of `tos` is drawn and every such
 * drawn flow has `verdict` (and `blockedAt`, when given). Fails with what was seen.
 */
export async function expectFlow(page, from, tos, verdict, { blockedAt, timeout = TIMEOUT } = {}) {
  tos = [].concat(tos);
  const deadline = Date.now() + timeout;
  let seen;
  for (;;) {
    seen = await flowSummary(page, from, tos);
    const state = await page.$eval('svg#graph', (g) => g.getAttribute('data-state')).catch(() => null);
    const ok =
      state !== 'stale' &&
      seen.length > 0 &&
      seen.every(
        (s) =>
          s.verdicts.length === 1 &&
          s.verdicts[0] === verdict &&
          (blockedAt === undefined || (s.blockedAt.length === 1 && s.blockedAt[0] === blockedAt)),
      );
    if (ok) return seen;
    if (Date.now() > deadline) break;
    await page.waitForTimeout(100);
  }
  const all = await flows(page).catch(() => []);
  const near = all.filter((f) => f.from === from || tos.includes(f.to)).slice(0, 20);
  assert.fail(
    `flow ${from} -> ${tos.join(' | ')}: expected verdict=${verdict}` +
      (blockedAt ? ` blocked-at=${blockedAt}` : '') +
      `; saw ${JSON.stringify(seen)}; related flows drawn: ${JSON.stringify(near)} (of ${all.length})`,
  );
}

/** Waits for `#graph[data-state=ready]` when the page has that hook (it is optional). */
export async function waitReady(page, timeout = TIMEOUT) {
  await page
    .waitForFunction(
      () => {
        const g = document.querySelector('svg#graph');
        return g && (!g.hasAttribute('data-state') || g.getAttribute('data-state') === 'ready');
      },
      null,
      { timeout },
    )
    .catch(() => {});
}

/**
 * Clicks a drawn flow where a person would: on its stroke, halfway along.
 * Falls back to a dispatched click when no point of the stroke is hit-testable.
 * Returns how it clicked.
 */
export async function clickFlow(page, from, to) {
  const handle = await page.evaluateHandle(
    ({ from, to }) =>
      [...document.querySelectorAll('svg#graph [data-from][data-to][data-verdict]')].find(
        (e) => e.getAttribute('data-from') === from && e.getAttribute('data-to') === to,
      ) ?? null,
    { from, to },
  );
  const el = handle.asElement();
  assert.ok(el, `no drawn flow ${from} -> ${to}`);
  const point = await el.evaluate((root) => {
    const shapes = root instanceof SVGGeometryElement ? [root] : [...root.querySelectorAll('path, line, polyline')];
    for (const s of shapes) {
      if (!(s instanceof SVGGeometryElement)) continue;
      const len = s.getTotalLength();
      for (const f of [0.5, 0.4, 0.6, 0.3, 0.7]) {
        const p = s.getPointAtLength(len * f);
        const m = s.getScreenCTM();
        if (!m) continue;
        const x = p.x * m.a + p.y * m.c + m.e;
        const y = p.x * m.b + p.y * m.d + m.f;
        const hit = document.elementFromPoint(x, y);
        if (hit && (hit === root || root.contains(hit) || hit.closest?.('[data-from]') === root)) {
          return { x, y };
        }
      }
    }
    return null;
  });
  if (point) {
    await page.mouse.click(point.x, point.y);
    return 'mouse';
  }
  await el.dispatchEvent('click');
  return 'dispatched';
}

/** Clicks a node by its `data-node`. */
export async function clickNode(page, name) {
  const loc = page.locator(`svg#graph [data-node="${name}"]`).first();
  await loc.click({ timeout: TIMEOUT }).catch(async () => loc.dispatchEvent('click'));
}

/** A full-page screenshot into e2e/artifacts/<tag>--<name>.png; returns the path. */
export async function shot(page, tag, name) {
  const file = path.join(ARTIFACTS, `${tag}--${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export function readFixture(name) {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

// ---------------------------------------------------------------------------
// Manifests used by several tests

/** deny-by-default with both policy types: egress of the source is denied first. */
export const DENY_BOTH = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-by-default
  namespace: default
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
`;

/** deny-by-default as the concept page writes it: no policyTypes, so Ingress only. */
export const DENY_INGRESS_ONLY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-by-default
  namespace: default
spec:
  podSelector: {}
`;

/** Opens exactly healthchecker -> httpd_webserver on TCP 80, both directions' halves. */
export const ALLOW_HEALTHCHECK = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-healthchecker-egress
  namespace: default
spec:
  podSelector:
    matchLabels:
      app: healthchecker
  policyTypes:
  - Egress
  egress:
  - to:
    - podSelector:
        matchLabels:
          component: httpd_webserver
    ports:
    - protocol: TCP
      port: 80
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-httpd-from-healthchecker
  namespace: default
spec:
  podSelector:
    matchLabels:
      component: httpd_webserver
  policyTypes:
  - Ingress
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: healthchecker
    ports:
    - protocol: TCP
      port: 80
`;

/** Appends YAML documents to a multi-document text. */
export function appendDocs(text, ...docs) {
  let out = text.replace(/\s*$/, '\n');
  for (const d of docs) out += '---\n' + d.replace(/\s*$/, '\n');
  return out;
}

/** Splits a multi-document text into its documents (on `---` lines). */
export function documents(text) {
  return text.split(/^---[^\n]*$/m).map((d) => d.trim()).filter(Boolean);
}

/** Removes the documents whose text matches `re`. */
export function withoutDocs(text, re) {
  return documents(text).filter((d) => !re.test(d)).join('\n---\n') + '\n';
}

/**
 * The engine's own answer, so that no test re-implements policy semantics: the CLI
 * (`target/debug/netpol`, built by scripts/e2e.sh; override: NETPOL) run on `text`.
 */
export const NETPOL = process.env.NETPOL ?? path.join(ROOT, 'target', 'debug', 'netpol');

export function netpolJson(text, args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-e2e-'));
  const file = path.join(dir, 'manifests.yaml');
  try {
    fs.writeFileSync(file, text);
    let out;
    try {
      out = execFileSync(NETPOL, [args[0], file, ...args.slice(1), '--output', 'json'], { encoding: 'utf8' });
    } catch (e) {
      // `explain` exits non-zero on a blocked verdict; its JSON is on stdout all the same.
      if (typeof e.stdout === 'string' && e.stdout.trim().startsWith('{')) out = e.stdout;
      else throw e;
    }
    return JSON.parse(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `netpol explain text --from … --to … --port …` as JSON (README "explain"). */
export function engineExplain(text, from, to, port, protocol = 'TCP') {
  return netpolJson(text, ['explain', '--from', from, '--to', to, '--port', String(port), '--protocol', protocol]);
}

/**
 * Where the engine says a flow is blocked: at the source when every hop's egress is
 * denied, else at the destination; `null` when it is allowed.
 */
export function expectedBlockedAt(text, from, to, port) {
  const e = engineExplain(text, from, to, port);
  if (e.allowed) return null;
  return e.hops.length > 0 && e.hops.every((h) => h.egress.result === 'denied') ? 'source' : 'destination';
}

export const DEMO = {
  centos: 'default/pod-centos',
  httpd: 'default/dep-httpd',
  svc: 'service:default/svc-clusterip-httpd',
  intruder: 'default/pod-intruder',
};

/**
 * Pairs of visible SVG texts in #graph whose screen boxes overlap (by more than `tol`
 * px both ways), as readable strings; `scope` narrows the texts (a CSS selector inside
 * the graph, e.g. '[data-node] text').
 */
export function overlappingTexts(page, { scope = 'text', tol = 1 } = {}) {
  return page.evaluate(
    ({ scope, tol }) => {
      const owner = (t) => {
        const n = t.closest('[data-node]');
        if (n) return n.getAttribute('data-node');
        const s = t.closest('[data-service]');
        if (s) return `fan ${s.getAttribute('data-service')} -> ${s.getAttribute('data-fan-to')}`;
        const f = t.closest('[data-from]');
        if (f) return `flow ${f.getAttribute('data-from')} -> ${f.getAttribute('data-to')}`;
        const ns = t.closest('[data-namespace]');
        if (ns) return `namespace ${ns.getAttribute('data-namespace')}`;
        return 'graph';
      };
      const texts = [...document.querySelectorAll(`svg#graph ${scope}`)]
        .filter((t) => {
          const cs = getComputedStyle(t);
          const r = t.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none' && Number(cs.opacity) > 0 && t.textContent.trim();
        })
        .map((t) => ({ r: t.getBoundingClientRect(), label: `${owner(t)} "${t.textContent.trim()}"` }));
      const out = [];
      for (let i = 0; i < texts.length; i++) {
        for (let j = i + 1; j < texts.length; j++) {
          const a = texts[i].r;
          const b = texts[j].r;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > tol && h > tol) out.push(`${texts[i].label} / ${texts[j].label} (${w.toFixed(0)}x${h.toFixed(0)}px)`);
        }
      }
      return out;
    },
    { scope, tol },
  );
}
