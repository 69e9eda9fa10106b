// Read at a glance: the toolbar stays on one line and the page fits without scrollbars at
// 1280×720; text is at least 14 px where people read (status, legend, explanations, policy
// names); long policy names carry a tooltip; at 150 % zoom the editor and the graph stay side
// by side; the selected flow's port label covers no node text; the matrix groups workloads
// and checks the declared ports; axe-core finds no WCAG 2 A/AA violation, light and dark.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  useApp, openApp, editorText, setEditorText, expectFlow, clickFlow, shot, waitReady, appendDocs, withoutDocs,
  overlappingTexts, DENY_BOTH, ALLOW_HEALTHCHECK, DEMO, TIMEOUT,
} from '../lib/harness.mjs';

const TAG = 'at-a-glance';
const app = useApp(TAG);
const require = createRequire(import.meta.url);

async function axe(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

async function setTheme(page, theme) {
  const now = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  if (now !== theme) await page.locator('#theme-toggle').click();
  await page.waitForFunction((t) => document.documentElement.getAttribute('data-theme') === t, theme, { timeout: TIMEOUT });
}

describe('read at a glance', () => {
  for (const [w, h] of [[1280, 720], [1400, 900]]) {
    for (const theme of ['light', 'dark']) {
      test(`${w}×${h} ${theme}: one-line toolbar, no scrollbars, text ≥ 14 px, axe-clean`, async () => {
        const page = await app.newPage({ viewport: { width: w, height: h } });
        await openApp(page, app.baseUrl);
        await setTheme(page, theme);
        await expectFlow(page, DEMO.centos, [DEMO.svc], 'allowed');
        await clickFlow(page, DEMO.centos, DEMO.svc);
        await page.waitForFunction(() => document.querySelector('#explanation .explain-text'), null, { timeout: TIMEOUT });
        await waitReady(page);
        await shot(page, TAG, `${w}x${h}-${theme}`);

        const bar = await page.evaluate(() => {
          const tb = document.querySelector('.toolbar');
          const tops = [...tb.children].filter((c) => c.getBoundingClientRect().width > 1).map((c) => Math.round(c.getBoundingClientRect().top));
          const right = Math.max(...[...tb.children].map((c) => c.getBoundingClientRect().right));
          return { lines: new Set(tops.map((t) => Math.round(t / 10))).size, height: tb.getBoundingClientRect().height, right, width: tb.clientWidth };
        });
        assert.ok(bar.height < 50 && bar.right <= bar.width, `the toolbar is one line that fits (${JSON.stringify(bar)})`);
        const scroll = await page.evaluate(() => ({
          w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight,
          cw: document.documentElement.clientWidth, ch: document.documentElement.clientHeight,
        }));
        assert.ok(scroll.w <= scroll.cw && scroll.h <= scroll.ch, `the page fits without scrollbars (${JSON.stringify(scroll)})`);
        const view = await page.evaluate(() => {
          const vc = document.querySelector('.view-controls');
          return { h: vc.getBoundingClientRect().height };
        });
        assert.ok(view.h < 50, `the graph's controls stay on one line (${view.h}px)`);

        const small = await page.evaluate(() => {
          const out = [];
          for (const sel of ['#status', '#legend li span', '#explanation .explain-text', '#explanation .xl', '#policies .name', '#policies .types']) {
            for (const el of document.querySelectorAll(sel)) {
              const px = parseFloat(getComputedStyle(el).fontSize);
              if (px < 14) out.push(`${sel}: ${px}px`);
            }
          }
          return out;
        });
        assert.deepEqual(small, [], 'text people read is at least 14 px');
        assert.deepEqual(await axe(page), [], `axe-core WCAG 2 A/AA violations (${theme})`);
      });
    }
  }

  test('a long policy name has a tooltip; badges never break mid-word', async () => {
    const page = await app.newPage({ viewport: { width: 1280, height: 720 } });
    await openApp(page, app.baseUrl);
    const base = withoutDocs(await editorText(page), /kind:\s*NetworkPolicy/);
    const long = 'allow-healthchecker-to-reach-httpd-webserver-on-port-eighty';
    await setEditorText(page, appendDocs(base, DENY_BOTH.replace('deny-by-default', long)));
    await page.locator(`#policies li[data-policy="default/${long}"]`).waitFor({ timeout: TIMEOUT });
    const name = page.locator(`#policies li[data-policy="default/${long}"] .name`);
    assert.equal(await name.getAttribute('title'), `default/${long}`);
    const clipped = await name.evaluate((e) => e.scrollWidth > e.clientWidth);
    assert.ok(clipped, 'the name is clipped in the list (so the tooltip matters)');
    const wrapped = await page.$$eval('.pill, #policies .types', (els) => els.filter((e) => getComputedStyle(e).whiteSpace !== 'nowrap').length);
    assert.equal(wrapped, 0);
  });

  test('150 % zoom keeps the editor and the graph side by side', async () => {
    const page = await app.newPage({ viewport: { width: 853, height: 480 }, deviceScaleFactor: 1.5 });
    await openApp(page, app.baseUrl);
    const r = await page.evaluate(() => {
      const box = (s) => document.querySelector(s).getBoundingClientRect();
      const e = box('.editor-pane');
      const g = box('.graph-pane');
      return { e: [e.left, e.right, e.top, e.height], g: [g.left, g.right, g.top, g.height] };
    });
    assert.ok(r.e[1] <= r.g[0] + 1 && Math.abs(r.e[2] - r.g[2]) < 2, `side by side: ${JSON.stringify(r)}`);
    assert.ok(r.g[3] > 300, 'the graph keeps a usable height');
    await shot(page, TAG, 'zoom-150');
  });

  test('the selected flow\'s port label covers no node text', async () => {
    const page = await app.newPage({ viewport: { width: 1280, height: 720 } });
    await openApp(page, app.baseUrl);
    for (const [from, to] of [[DEMO.centos, DEMO.httpd], [DEMO.centos, DEMO.svc]]) {
      await expectFlow(page, from, [to], 'allowed');
      await clickFlow(page, from, to);
      await page.waitForTimeout(200);
      const over = (await overlappingTexts(page)).filter((o) => /flow .*"/.test(o));
      assert.deepEqual(over, [], `the label of ${from} -> ${to}`);
    }
    await shot(page, TAG, 'selected-flow');
  });

  test('the matrix groups workloads and checks the declared ports', async () => {
    const page = await app.newPage({ viewport: { width: 1280, height: 720 } });
    await openApp(page, app.baseUrl);
    const base = withoutDocs(await editorText(page), /kind:\s*NetworkPolicy/);
    await setEditorText(page, appendDocs(base, DENY_BOTH, ALLOW_HEALTHCHECK));
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'allowed');
    await page.locator('#view-matrix').click();
    await page.locator('#matrix td[data-verdict]').first().waitFor({ timeout: TIMEOUT });
    assert.equal(await page.getAttribute('#matrix', 'data-port'), 'declared', 'declared ports by default, not 80');
    const cell = (f, t) => page.getAttribute(`#matrix td[data-from="${f}"][data-to="${t}"]`, 'data-verdict');
    assert.equal(await cell(DEMO.centos, DEMO.httpd), 'allowed');
    assert.equal(await cell(DEMO.httpd, DEMO.centos), 'blocked');
    await page.locator('#matrix-all-ports').check();
    await page.waitForFunction(() => document.querySelector('#matrix')?.getAttribute('data-port') === 'all-declared', null, { timeout: TIMEOUT });
    assert.equal(await page.getAttribute(`#matrix td[data-from="${DEMO.centos}"][data-to="${DEMO.httpd}"]`, 'data-allowed-ports'), '80/TCP');
    await page.locator('#matrix-pods').check();
    await page.locator('#matrix td[data-to="default/dep-httpd-0"]').first().waitFor({ timeout: TIMEOUT });
    await shot(page, TAG, 'matrix');
  });
});
