// The explanation panel draws the decision as two gates (the source's egress, the
// destination's ingress) from the engine's typed explanation: ✓/✕ with words, the reasons
// typed (`data-reason-kind`), each clickable part highlighting its exact span in the editor.
// Expected answers come from the engine itself (the CLI's JSON), never re-derived here.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  useApp, openApp, editorText, setEditorText, expectFlow, clickFlow, shot, waitReady, appendDocs, withoutDocs,
  engineExplain, DENY_INGRESS_ONLY, DEMO, TIMEOUT, ARTIFACTS,
} from '../lib/harness.mjs';

const TAG = 'gates';
const app = useApp(TAG);
const require = createRequire(import.meta.url);

async function axe(page, include) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async (include) => {
    const r = await window.axe.run(include ? { include: [include] } : document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }, include);
}

async function setTheme(page, theme) {
  const now = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  if (now !== theme) await page.locator('#theme-toggle').click();
  await page.waitForFunction((t) => document.documentElement.getAttribute('data-theme') === t, theme, { timeout: TIMEOUT });
}

/** The gates drawn in the explanation panel: per hop, egress and ingress. */
function panelGates(page) {
  return page.$$eval('#explanation [data-hop]', (hops) => hops.map((h) => {
    const g = (dir) => {
      const el = h.querySelector(`[data-gate="${dir}"]`);
      return el && {
        verdict: el.getAttribute('data-verdict'),
        icon: el.querySelector('.gate-icon')?.textContent.trim(),
        word: el.querySelector('.gate-word')?.textContent.trim(),
        kinds: [...el.querySelectorAll('[data-reason-kind]')].map((r) => r.getAttribute('data-reason-kind')),
        text: el.textContent,
      };
    };
    return { from: h.getAttribute('data-from'), to: h.getAttribute('data-to'), egress: g('egress'), ingress: g('ingress') };
  }));
}

const spanAttr = (s) => `${s.line}:${s.column}-${s.end_line}:${s.end_column}`;

/** The text of the editor covered by a span (1-based, end exclusive; characters). */
function spanText(text, s) {
  const lines = text.split('\n');
  if (s.line === s.end_line) return [...lines[s.line - 1]].slice(s.column - 1, s.end_column - 1).join('');
  const out = [[...lines[s.line - 1]].slice(s.column - 1).join('')];
  for (let l = s.line + 1; l < s.end_line; l++) out.push(lines[l - 1]);
  out.push([...lines[s.end_line - 1]].slice(0, s.end_column - 1).join(''));
  return out.join('\n');
}

const NEAR_MISS = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
  labels:
    app: frontend
spec:
  containers:
  - name: web
    image: nginx
    ports:
    - containerPort: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: default
  labels:
    app: api
spec:
  containers:
  - name: api
    image: example/api
    ports:
    - containerPort: 8080
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-in
  namespace: default
spec:
  podSelector:
    matchLabels:
      app: api
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: api
    ports:
    - port: 9090
`;

describe('the decision as two gates', () => {
  test("the demo's blocked flow: two gates with the engine's ✓/✕ and reason kinds", async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    const base = withoutDocs(await editorText(page), /kind:\s*NetworkPolicy/);
    const text = appendDocs(base, DENY_INGRESS_ONLY);
    await setEditorText(page, text);
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'blocked', { blockedAt: 'destination' });
    await waitReady(page);
    await clickFlow(page, DEMO.centos, DEMO.svc);
    await page.locator('#explanation [data-gate="ingress"]').first().waitFor({ timeout: TIMEOUT });
    const engine = engineExplain(text, DEMO.centos, DEMO.svc, 80);
    const drawn = await panelGates(page);
    assert.equal(drawn.length, engine.hops.length, `one drawn hop per engine hop: ${JSON.stringify(drawn)}`);
    for (const [i, h] of engine.hops.entries()) {
      const d = drawn[i];
      assert.equal(d.from, h.from);
      assert.equal(d.to, h.to);
      for (const dir of ['egress', 'ingress']) {
        const want = h[dir];
        const got = d[dir];
        assert.equal(got.verdict, want.result, `${dir} of ${h.from} → ${h.to}`);
        const allowed = want.result !== 'denied';
        assert.equal(got.icon, allowed ? '✓' : '✕', `${dir}: icon`);
        assert.match(got.word, allowed ? /allowed|not isolated/ : /denied/, `${dir}: a word, not colour alone`);
        const kinds = (want.misses ?? []).flatMap((m) => m.reasons.map((r) => r.kind));
        assert.deepEqual(got.kinds, kinds, `${dir}: the reason kinds the engine gives`);
      }
    }
    const first = drawn[0];
    assert.equal(first.egress.verdict, 'not-isolated');
    assert.match(first.egress.text, /selects default\/pod-centos for ingress only: policyTypes defaulted to \[Ingress\] because it has no egress rules/);
    assert.deepEqual(first.ingress.kinds, ['no-rules']);
    assert.match(first.ingress.text, /isolated by default\/deny-by-default/);
    // The Service hop shows port → targetPort with the resolved number.
    const svc = await page.locator('#explanation [data-service]').first().textContent();
    const leg = engine.hops[0].service;
    assert.ok(leg, 'the engine reports the Service leg');
    assert.ok(svc.includes(`port ${leg.port}/TCP → targetPort ${leg.target}`), svc);
    if (leg.target !== String(leg.target_port)) assert.ok(svc.includes(`= ${leg.target_port}`), `the resolved number: ${svc}`);
    const hopLeg = await page.locator('#explanation [data-hop] [data-service-leg]').first().textContent();
    assert.ok(hopLeg.includes(`port ${leg.port} → targetPort ${leg.target}`), hopLeg);
    // Copy as text is offered (the engine's prose).
    assert.equal(await page.locator('#copy-explanation').count(), 1);
    await shot(page, TAG, '1-demo-gates');
  });

  test('a near miss (label and port in one rule) shows both reasons; a click highlights the exact span', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    await setEditorText(page, NEAR_MISS);
    await expectFlow(page, 'default/web', ['default/api'], 'blocked', { blockedAt: 'destination' });
    await waitReady(page);
    await clickFlow(page, 'default/web', 'default/api');
    await page.locator('#explanation [data-gate="ingress"] [data-reason-kind]').first().waitFor({ timeout: TIMEOUT });
    const engine = engineExplain(NEAR_MISS, 'default/web', 'default/api', 8080);
    const reasons = engine.hops[0].ingress.misses.flatMap((m) => m.reasons);
    assert.deepEqual(reasons.map((r) => r.kind).sort(), ['pod-label', 'port'], JSON.stringify(reasons));
    const items = await page.$$eval('#explanation [data-gate="ingress"] [data-reason-kind]', (els) =>
      els.map((e) => ({ kind: e.getAttribute('data-reason-kind'), text: e.textContent.trim(), spans: [...e.querySelectorAll('[data-span]')].map((s) => s.getAttribute('data-span')) })));
    const label = items.find((i) => i.kind === 'pod-label');
    const port = items.find((i) => i.kind === 'port');
    assert.equal(label?.text, 'needs app=api · has app=frontend', JSON.stringify(items));
    assert.equal(port?.text, 'opens 9090 · dialled 8080', JSON.stringify(items));
    // Each reason links the engine's own span.
    for (const r of reasons) {
      const item = items.find((i) => i.kind === r.kind);
      assert.ok(item.spans.includes(spanAttr(r.span)), `${r.kind}: data-span ${spanAttr(r.span)} in ${item.spans}`);
    }

    // Click the label reason: the editor selects exactly the `matchLabels` entry, and a mark
    // covers that column range (not the whole line).
    const labelSpan = reasons.find((r) => r.kind === 'pod-label').span;
    await page.locator(`#explanation [data-reason-kind="pod-label"] [data-span="${spanAttr(labelSpan)}"]`).first().click();
    await page.locator('.span-band').first().waitFor({ timeout: TIMEOUT });
    const sel = await page.$eval('#editor', (el) => el.value.slice(el.selectionStart, el.selectionEnd));
    assert.equal(sel, spanText(NEAR_MISS, labelSpan));
    assert.equal(sel, 'app: api');
    assert.equal(labelSpan.line, NEAR_MISS.split('\n').map((l) => l.trim()).lastIndexOf('app: api') + 1, "the rule's entry, not the podSelector's");
    const band = await page.$$eval('.span-band', (els) => els.map((e) => e.getAttribute('data-span-band')));
    assert.deepEqual(band, [`${labelSpan.line}:${labelSpan.column}-${labelSpan.end_column}`]);
    const geometry = await page.evaluate(() => {
      const b = document.querySelector('.span-band').getBoundingClientRect();
      const code = document.querySelector('.editor .code').getBoundingClientRect();
      return { w: b.width, full: code.width };
    });
    assert.ok(geometry.w > 20 && geometry.w < geometry.full / 2, `the mark covers the range, not the line (${JSON.stringify(geometry)})`);
    await shot(page, TAG, '2-near-miss-span');

    // The port reason: the `port` entry.
    const portSpan = reasons.find((r) => r.kind === 'port').span;
    await page.locator(`#explanation [data-reason-kind="port"] [data-span="${spanAttr(portSpan)}"]`).first().click();
    await page.waitForFunction((want) => {
      const el = document.querySelector('#editor');
      return el.value.slice(el.selectionStart, el.selectionEnd) === want;
    }, spanText(NEAR_MISS, portSpan), { timeout: TIMEOUT });
    assert.match(spanText(NEAR_MISS, portSpan), /9090/);
  });

  for (const [w, h] of [[1280, 720], [1400, 900]]) {
    for (const theme of ['light', 'dark']) {
      test(`${w}×${h} ${theme}: the gates panel is axe-clean and nothing in it is clipped`, async () => {
        const page = await app.newPage({ viewport: { width: w, height: h } });
        await openApp(page, app.baseUrl);
        await setTheme(page, theme);
        await setEditorText(page, NEAR_MISS);
        await expectFlow(page, 'default/web', ['default/api'], 'blocked');
        await waitReady(page);
        await clickFlow(page, 'default/web', 'default/api');
        await page.locator('#explanation [data-gate="ingress"]').first().waitFor({ timeout: TIMEOUT });
        await shot(page, TAG, `3-${w}x${h}-${theme}`);
        await page.locator('#explanation').screenshot({ path: path.join(ARTIFACTS, `${TAG}--3-panel-${w}x${h}-${theme}.png`) }).catch(() => {});
        const clipped = await page.evaluate(() => [...document.querySelectorAll('#explanation .gate, #explanation .gate-items li')]
          .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent.slice(0, 60)));
        assert.deepEqual(clipped, [], 'no gate line overflows its box');
        const small = await page.$$eval('#explanation .gate-items li, #explanation .gate-head, #explanation .hop-head', (els) =>
          els.filter((e) => parseFloat(getComputedStyle(e).fontSize) < 14).map((e) => e.textContent.slice(0, 40)));
        assert.deepEqual(small, [], 'text is at least 14 px');
        assert.deepEqual(await axe(page, '#explanation'), [], `axe-core on the panel (${theme})`);
        assert.deepEqual(await axe(page), [], `axe-core on the page (${theme})`);
      });
    }
  }
});
