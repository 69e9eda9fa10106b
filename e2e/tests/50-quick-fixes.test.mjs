// Quick fixes in the problems list: each "Fix: …" button ([data-fix][data-code]) edits the text
// like typing: the diagnostic disappears, the verdicts change as the fix intends (read from the
// matrix, the screen-reader table of who reaches whom), other text stays, Ctrl+Z restores it.
// "Fix all" applies every fix at once. The matrix is a real table (caption, scoped headers,
// verdicts in words, keyboard-reachable cells); a verdict change is announced (aria-live);
// axe-core finds nothing on the page with fix buttons, light and dark; screenshots.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { useApp, openApp, editorText, setEditorText, shot, ARTIFACTS, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'quick-fixes';
const app = useApp(TAG);
const require = createRequire(import.meta.url);

const pod = (name, ns, labels, port = '{containerPort: 80}') =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: ${labels}}\nspec: {containers: [{name: c, image: x, ports: [${port}]}]}\n`;

const PODS = [
  pod('a', 'default', '{app: a}'),
  pod('c', 'default', '{app: c}'),
].join('---\n');

// 1. A YAML 1.1 boolean as a label value: the Pod is rejected, so the deny that selects it
// selects nothing. Quoted, b exists and a → b is blocked.
const BOOLEAN = `${PODS}---
apiVersion: v1
kind: Pod
metadata:
  name: b
  namespace: default
  labels:
    app: b
    enabled: yes
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-enabled, namespace: default}
spec:
  podSelector: {matchLabels: {enabled: "yes"}}
  policyTypes: [Ingress]
# my note stays
`;

// 2. Labels straight under podSelector: the policy is rejected (not applied), a → b allowed.
// Under matchLabels it selects b and lets only c in.
const LABELS = `${PODS}---
${pod('b', 'default', '{app: b}')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-c, namespace: default}
spec:
  podSelector:
    app: b
  ingress:
  - from: [{podSelector: {matchLabels: {app: c}}}]
# my note stays
`;

// 3. A client whose egress reaches web only: DNS to coredns is blocked. The fix adds the DNS
// rule: client → coredns allowed (53/UDP+TCP), client → a still blocked.
const DNS = `${PODS}---
${pod('web', 'default', '{app: web}', '{containerPort: 443}')}---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system, labels: {kubernetes.io/metadata.name: kube-system}}
---
${pod('coredns', 'kube-system', '{k8s-app: kube-dns}', '{containerPort: 53, protocol: UDP}, {containerPort: 53, protocol: TCP}')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client, namespace: default}
spec:
  podSelector: {matchLabels: {app: c}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 443}]
# my note stays
`;

async function analysed(page) {
  await page.waitForFunction(() => document.querySelector('.matrix-wrap')?.getAttribute('data-state') === 'ready', null, { timeout: TIMEOUT });
}

async function load(page, text) {
  await setEditorText(page, text);
  await page.waitForTimeout(50);
  await analysed(page);
}

/** The matrix cell's verdict, waiting for it to be `want` (undefined: just read it). */
async function cell(page, from, to, want) {
  const sel = `#matrix td[data-from="${from}"][data-to="${to}"]`;
  if (want !== undefined) {
    await page
      .waitForFunction(({ sel, want }) => document.querySelector(sel)?.getAttribute('data-verdict') === want && document.querySelector('.matrix-wrap')?.getAttribute('data-state') === 'ready', { sel, want }, { timeout: TIMEOUT })
      .catch(() => {});
  }
  return page.$eval(sel, (td) => td.getAttribute('data-verdict')).catch(() => null);
}

const codes = (page) => page.$$eval('#diagnostics li', (lis) => lis.map((l) => l.getAttribute('data-code')));

async function waitCodeGone(page, code) {
  await page
    .waitForFunction((c) => !document.querySelector(`#diagnostics li[data-code="${c}"]`), code, { timeout: TIMEOUT })
    .catch(() => {});
}

async function openMatrix(page) {
  await page.locator('#view-matrix').click();
  await page.waitForSelector('#matrix', { timeout: TIMEOUT });
}

const CASES = [
  {
    name: 'YAML 1.1 boolean quoted',
    text: BOOLEAN,
    code: 'wrong-type',
    title: /quote/,
    before: [['default/a', 'default/b', null]],
    after: [['default/a', 'default/b', 'blocked'], ['default/c', 'default/b', 'blocked'], ['default/a', 'default/c', 'allowed']],
    changed: (t) => t.includes('    enabled: "yes"\n'),
  },
  {
    name: 'labels moved under matchLabels',
    text: LABELS,
    code: 'unknown-field',
    title: /matchLabels/,
    before: [['default/a', 'default/b', 'allowed'], ['default/c', 'default/b', 'allowed']],
    after: [['default/a', 'default/b', 'blocked'], ['default/c', 'default/b', 'allowed'], ['default/b', 'default/a', 'allowed']],
    changed: (t) => /podSelector:\s*\n\s+matchLabels:/.test(t) || /matchLabels: *\{ *app: b *\}/.test(t),
  },
  {
    name: 'DNS egress rule added',
    text: DNS,
    code: 'no-dns-egress',
    title: /DNS/,
    before: [['default/c', 'kube-system/coredns', 'blocked'], ['default/c', 'default/web', 'allowed'], ['default/c', 'default/a', 'blocked']],
    after: [['default/c', 'kube-system/coredns', 'allowed'], ['default/c', 'default/web', 'allowed'], ['default/c', 'default/a', 'blocked']],
    changed: (t) => /53/.test(t.split('name: client')[1] ?? ''),
    announce: /now allowed: default\/c to kube-system\/coredns/,
  },
];

describe('quick fixes', () => {
  for (const c of CASES) {
    test(`${c.name}: the diagnostic goes, the verdicts change, other text stays, Ctrl+Z restores`, async () => {
      const page = await app.newPage();
      await openApp(page, app.baseUrl);
      await openMatrix(page);
      await load(page, c.text);
      for (const [f, t, v] of c.before) assert.equal(await cell(page, f, t, v ?? undefined), v, `before: ${f} → ${t}`);
      assert.ok((await codes(page)).includes(c.code), `the ${c.code} diagnostic is listed`);

      const btn = page.locator(`#diagnostics li[data-code="${c.code}"] button[data-fix][data-code="${c.code}"]`).first();
      const label = await btn.textContent();
      assert.match(label, /^Fix: /);
      assert.match(label, c.title);
      await btn.click();
      await waitCodeGone(page, c.code);
      const fixed = await editorText(page);
      assert.ok(!(await codes(page)).includes(c.code), `the ${c.code} diagnostic is gone: ${await codes(page)}`);
      assert.ok(c.changed(fixed), `the text changed as the fix says:\n${fixed}`);
      assert.ok(fixed.endsWith('# my note stays\n'), 'other text stays');
      for (const [f, t, v] of c.after) assert.equal(await cell(page, f, t, v), v, `after: ${f} → ${t}`);
      await page.waitForSelector('#notice', { timeout: TIMEOUT });
      assert.match(await page.textContent('#notice'), /fixed:/);
      if (c.announce) {
        await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('#reach-announce')?.textContent ?? ''), c.announce.source, { timeout: TIMEOUT });
      }

      // The browser's undo in the editor brings back exactly the text before the fix.
      await page.locator('#editor').focus();
      await page.keyboard.press('Control+z');
      assert.equal(await editorText(page), c.text, 'Ctrl+Z restores the text');
      await page.waitForFunction((code) => !!document.querySelector(`#diagnostics li[data-code="${code}"]`), c.code, { timeout: TIMEOUT });
      for (const [f, t, v] of c.before) assert.equal(await cell(page, f, t, v ?? undefined), v, `restored: ${f} → ${t}`);
    });
  }

  test('a fix computed for older text does nothing (nothing typed is lost)', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    await openMatrix(page);
    await load(page, BOOLEAN);
    const btn = page.locator('button[data-fix][data-code="wrong-type"]').first();
    await btn.waitFor({ timeout: TIMEOUT });
    // Typed text the analysis has not seen yet (set without an input event).
    await page.$eval('#editor', (el) => { el.value = `${el.value}# typed\n`; });
    await btn.click();
    assert.equal(await editorText(page), `${BOOLEAN}# typed\n`);
  });

  test('Fix all applies every fix at once; Ctrl+Z takes them all back', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    await openMatrix(page);
    // The three problems in one text (distinct names).
    const all = `${DNS}---\n${LABELS.split('---\n').slice(2).join('---\n')}`;
    await load(page, all);
    const n = await page.$$eval('#diagnostics button[data-fix]', (b) => b.length);
    assert.ok(n >= 2, `several fixes (${n})`);
    assert.match(await page.textContent('#fix-all'), new RegExp(`Fix all \\(${n}\\)`));
    await page.locator('#fix-all').click();
    await waitCodeGone(page, 'no-dns-egress');
    await waitCodeGone(page, 'unknown-field');
    assert.deepEqual((await codes(page)).filter((x) => x === 'no-dns-egress' || x === 'unknown-field'), []);
    assert.equal(await cell(page, 'default/c', 'kube-system/coredns', 'allowed'), 'allowed');
    assert.equal(await cell(page, 'default/a', 'default/b', 'blocked'), 'blocked');
    await page.locator('#editor').focus();
    await page.keyboard.press('Control+z');
    assert.equal(await editorText(page), all);
  });

  test('the matrix is a table a screen reader and a keyboard can use', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    await openMatrix(page);
    await load(page, DNS);
    const t = await page.evaluate(() => {
      const tb = document.querySelector('table#matrix');
      return {
        caption: tb.querySelector('caption')?.textContent ?? '',
        cols: [...tb.querySelectorAll('thead th')].map((th) => th.getAttribute('scope')),
        rows: [...tb.querySelectorAll('tbody th')].map((th) => th.getAttribute('scope')),
        labels: [...tb.querySelectorAll('tbody td[data-verdict] button')].map((b) => b.getAttribute('aria-label')),
        verdicts: [...tb.querySelectorAll('tbody td[data-verdict]')].map((td) => td.getAttribute('data-verdict')),
      };
    });
    assert.match(t.caption, /Who reaches whom/);
    assert.ok(t.cols.length > 1 && t.cols.every((s) => s === 'col'), `column headers ${t.cols}`);
    assert.ok(t.rows.length > 1 && t.rows.every((s) => s === 'row'), `row headers ${t.rows}`);
    assert.equal(t.labels.length, t.verdicts.length);
    t.labels.forEach((l, i) => assert.ok(l.includes(`: ${t.verdicts[i]}`), `the verdict in words: ${l}`));
    assert.ok(t.verdicts.includes('allowed') && t.verdicts.includes('blocked'));

    // Tab from the Matrix tab reaches a cell; Enter opens it.
    await page.locator('#view-matrix').focus();
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => !!document.activeElement?.closest('table#matrix td'));
    }
    assert.ok(reached, 'a cell is reachable by Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !!document.querySelector('table#matrix td.selected'), null, { timeout: TIMEOUT });
  });

  async function axe(page) {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    return page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
      return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    });
  }

  for (const [w, h] of [[1280, 720], [1400, 900]]) {
    for (const theme of ['light', 'dark']) {
      test(`${w}×${h} ${theme}: the problems list with fix buttons is axe-clean, buttons legible; screenshot`, async () => {
        const page = await app.newPage({ viewport: { width: w, height: h } });
        await openApp(page, app.baseUrl);
        const now = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
        if (now !== theme) await page.locator('#theme-toggle').click();
        await page.waitForFunction((t) => document.documentElement.getAttribute('data-theme') === t, theme, { timeout: TIMEOUT });
        await setEditorText(page, `${DNS}---\n${LABELS.split('---\n').slice(2).join('---\n')}`);
        await page.waitForSelector('#fix-all', { timeout: TIMEOUT });
        await page.locator('button[data-fix]').first().scrollIntoViewIfNeeded();
        const sizes = await page.$$eval('button[data-fix], #fix-all', (bs) =>
          bs.map((b) => ({ px: parseFloat(getComputedStyle(b).fontSize), w: b.getBoundingClientRect().width, h: b.getBoundingClientRect().height })));
        assert.ok(sizes.length >= 3);
        for (const s of sizes) assert.ok(s.px >= 14 && s.w > 20 && s.h > 10, `fix button legible: ${JSON.stringify(s)}`);
        await shot(page, TAG, `problems-${w}x${h}-${theme}`);
        await page.locator('.diagnostics').screenshot({ path: path.join(ARTIFACTS, `${TAG}--list-${w}x${h}-${theme}.png`) });
        assert.deepEqual(await axe(page), [], `axe-core WCAG 2 A/AA violations (${theme})`);
      });
    }
  }
});
