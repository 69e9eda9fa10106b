// "Allow this flow" / "Block this flow" in the explanation panel: the engine's proved suggestion
// shown as a diff with what opens / closes (the same lists as `netpol suggest`), applied to the
// editor on confirmation; the flow's verdict then equals the CLI's, other verdicts stay, Ctrl+Z
// restores the text. axe-core clean on the open panel, light and dark, two sizes (screenshots).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  useApp, openApp, editorText, setEditorText, expectFlow, clickFlow, flows, shot, waitReady,
  appendDocs, withoutDocs, netpolJson, engineExplain, DENY_BOTH, DEMO, ARTIFACTS, TIMEOUT,
} from '../lib/harness.mjs';

const require = createRequire(import.meta.url);
/** Allows every ingress and egress of the default namespace's pods. */
const ALLOW_ALL_DEFAULT = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-all
  namespace: default
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress:
    - {}
  egress:
    - {}
`;

const TAG = 'allow-flow';
const app = useApp(TAG);

async function demoBase(page) {
  await openApp(page, app.baseUrl);
  return withoutDocs(await editorText(page), /kind:\s*NetworkPolicy/);
}

/** Every drawn flow's verdict, keyed `from -> to`. */
async function verdicts(page) {
  const out = {};
  for (const f of await flows(page)) if (f.verdict) out[`${f.from} -> ${f.to}`] = f.verdict;
  return out;
}

/** The `from → to` pairs listed in a changes list of the panel. */
function listed(page, id) {
  return page.$$eval(`#${id} li`, (ls) => ls.map((l) => `${l.getAttribute('data-from')} -> ${l.getAttribute('data-to')}`).sort());
}

async function openPanel(page, button) {
  await clickFlow(page, DEMO.centos, DEMO.svc);
  await page.waitForSelector(`#${button}`, { timeout: TIMEOUT });
  await page.locator(`#${button}`).click();
  await page.waitForSelector('#suggest-panel', { timeout: TIMEOUT });
}

describe('allow / block this flow', () => {
  test('deny-by-default: allow pod-centos → httpd Service on 80; applied, allowed as the CLI says; Ctrl+Z restores', async () => {
    const page = await app.newPage();
    const text = appendDocs(await demoBase(page), DENY_BOTH);
    await setEditorText(page, text);
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'blocked');
    await waitReady(page);
    const before = await verdicts(page);
    assert.equal(await page.locator('#block-flow').count(), 0);
    await openPanel(page, 'allow-flow');
    assert.equal(await page.getAttribute('#suggest-panel', 'data-result'), 'suggested');

    // The same proved suggestion as the CLI: what opens, nothing closes.
    const cli = netpolJson(text, ['suggest', '--from', DEMO.centos, '--to', DEMO.svc, '--port', '80']);
    assert.equal(cli.result, 'suggested');
    assert.deepEqual(await listed(page, 'suggest-opens'), cli.opens.map((o) => `${o.from} -> ${o.to}`).sort());
    assert.ok(cli.opens.length >= 1);
    assert.equal(await page.locator('#suggest-closes [data-none]').count(), 1, 'it closes nothing');
    // The diff adds the policies' lines and removes none.
    const diff = await page.textContent('#suggest-diff');
    assert.match(diff, /\+ kind: NetworkPolicy/);
    assert.doesNotMatch(diff, /^− /m);
    await shot(page, TAG, '1-allow-panel');

    await page.locator('#allow-flow-apply').click();
    await page.waitForFunction((t) => document.querySelector('#editor').value !== t, text, { timeout: TIMEOUT });
    const after = await editorText(page);
    assert.ok(after.startsWith(text.trimEnd()), 'the text before is kept');
    assert.ok(after.includes(cli.policies[0].name), 'the suggested policy is in the editor');

    // Allowed, as the engine says of the new text.
    assert.equal(engineExplain(after, DEMO.centos, DEMO.svc, 80).allowed, true);
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'allowed');
    await waitReady(page);
    // Other verdicts unchanged: only flows the suggestion opens may change.
    const opened = new Set(cli.opens.map((o) => o.from));
    const now = await verdicts(page);
    for (const [k, v] of Object.entries(before)) {
      const from = k.split(' -> ')[0];
      if (from === DEMO.centos || opened.has(from)) continue;
      assert.equal(now[k], v, `${k} unchanged`);
    }
    await shot(page, TAG, '2-applied');

    // Ctrl+Z in the editor brings back the text and the verdict.
    await page.locator('#editor').focus();
    await page.keyboard.press('Control+z');
    await page.waitForFunction((t) => document.querySelector('#editor').value === t, text, { timeout: TIMEOUT });
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'blocked');
  });

  test('no policies: block pod-centos → httpd Service on 80 lists every flow that closes; applied, blocked as the CLI says', async () => {
    const page = await app.newPage();
    const text = await demoBase(page);
    await setEditorText(page, text);
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'allowed');
    await waitReady(page);
    assert.equal(await page.locator('#allow-flow').count(), 0);
    await openPanel(page, 'block-flow');
    const cli = netpolJson(text, ['suggest', '--block', '--from', DEMO.centos, '--to', DEMO.svc, '--port', '80']);
    assert.equal(cli.result, 'suggested');
    assert.ok(cli.closes.length >= 1);
    assert.deepEqual(await listed(page, 'suggest-closes'), cli.closes.map((o) => `${o.from} -> ${o.to}`).sort());
    assert.equal(await page.locator('#suggest-opens [data-none]').count(), 1, 'it opens nothing');
    await shot(page, TAG, '3-block-panel');
    await page.locator('#allow-flow-apply').click();
    await page.waitForFunction((t) => document.querySelector('#editor').value !== t, text, { timeout: TIMEOUT });
    const after = await editorText(page);
    assert.equal(engineExplain(after, DEMO.centos, DEMO.svc, 80).allowed, false);
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'blocked');
  });

  test('impossible: the engine says why', async () => {
    const page = await app.newPage();
    // Both ends isolated and a rule allows the flow: a block must edit that rule.
    const base = await demoBase(page);
    const text = appendDocs(base, DENY_BOTH, ALLOW_ALL_DEFAULT);
    await setEditorText(page, text);
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'allowed');
    await waitReady(page);
    await openPanel(page, 'block-flow');
    const cli = netpolJson(text, ['suggest', '--block', '--from', DEMO.centos, '--to', DEMO.svc, '--port', '80']);
    assert.equal(cli.result, 'impossible');
    assert.equal(await page.getAttribute('#suggest-panel', 'data-result'), 'impossible');
    assert.ok((await page.textContent('#suggest-impossible')).includes(cli.reason.message));
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
      test(`${w}×${h} ${theme}: the open panel is axe-clean and legible; screenshot`, async () => {
        const page = await app.newPage({ viewport: { width: w, height: h } });
        const text = appendDocs(await demoBase(page), DENY_BOTH);
        const now = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
        if (now !== theme) await page.locator('#theme-toggle').click();
        await page.waitForFunction((t) => document.documentElement.getAttribute('data-theme') === t, theme, { timeout: TIMEOUT });
        await setEditorText(page, text);
        await expectFlow(page, DEMO.centos, [DEMO.svc], 'blocked');
        await waitReady(page);
        await openPanel(page, 'allow-flow');
        await page.locator('#suggest-panel').scrollIntoViewIfNeeded();
        const px = await page.$$eval('#suggest-panel p, #suggest-panel li, #suggest-panel button, #suggest-diff > *', (es) =>
          es.map((e) => parseFloat(getComputedStyle(e).fontSize)));
        for (const s of px) assert.ok(s >= 14, `text ≥ 14 px: ${s}`);
        await shot(page, TAG, `panel-${w}x${h}-${theme}`);
        await page.locator('#explanation').screenshot({ path: path.join(ARTIFACTS, `${TAG}--explanation-${w}x${h}-${theme}.png`) });
        assert.deepEqual(await axe(page), [], `axe-core WCAG 2 A/AA violations (${theme})`);
      });
    }
  }
});
