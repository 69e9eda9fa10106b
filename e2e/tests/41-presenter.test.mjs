// The presenter view (`?present`): two pages of one context, the presenter following the main
// page over BroadcastChannel — text, lesson and step, selected flow, what-if switch, pause —
// within half a second; speaker notes only in the main window; arrow keys step the lesson in
// both windows; at 1280×720 no overlapping text and labels ≥ 18 px; axe-core clean (light, dark).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useApp, openApp, setEditorText, clickFlow, shot, appendDocs, overlappingTexts, DENY_INGRESS_ONLY, DEMO, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'presenter';
const app = useApp(TAG);

async function pair({ colorScheme = 'light', viewport = { width: 1280, height: 720 } } = {}) {
  const main = await app.newPage({ colorScheme, viewport });
  await openApp(main, app.baseUrl);
  const presenter = await main.context().newPage();
  app.watch(presenter);
  await presenter.setViewportSize(viewport);
  await presenter.goto(app.baseUrl + '?present', { waitUntil: 'load' });
  await presenter.waitForSelector('#presenter-step[data-connected="true"]', { timeout: TIMEOUT });
  await presenter.waitForSelector('svg#graph [data-node]', { state: 'attached', timeout: TIMEOUT });
  return { main, presenter };
}

/** Milliseconds until `fn` holds in `page` (polled on animation frames). */
async function within(page, fn, arg) {
  const t0 = Date.now();
  await page.waitForFunction(fn, arg, { timeout: TIMEOUT, polling: 'raf' });
  return Date.now() - t0;
}

test('the presenter follows the main page: text, flow, what-if, pause, within half a second; no editor', async () => {
  const { main, presenter } = await pair();
  assert.equal(await presenter.isVisible('#editor'), false, 'no editor in the presenter');
  assert.equal(await presenter.isVisible('#policies'), false);
  assert.match(await presenter.textContent('#presenter-step'), /No lesson open/);
  // Text: a deny policy blocks centos → httpd in both.
  const text = appendDocs(await main.$eval('#editor', (e) => e.value), DENY_INGRESS_ONLY);
  const t0 = Date.now();
  await setEditorText(main, text);
  await within(presenter, (f) => {
    const v = [...document.querySelectorAll('svg#graph [data-from][data-to][data-verdict]')].find(
      (e) => e.getAttribute('data-from') === f[0] && e.getAttribute('data-to') === f[1],
    )?.getAttribute('data-verdict');
    return v === 'blocked';
  }, [DEMO.centos, DEMO.svc]);
  const textMs = Date.now() - t0;
  assert.ok(textMs < 500, `the presenter showed the new text after ${textMs} ms`);
  // The selected flow.
  await main.waitForFunction((f) => {
    const v = [...document.querySelectorAll('svg#graph [data-from][data-to][data-verdict]')].find(
      (e) => e.getAttribute('data-from') === f[0] && e.getAttribute('data-to') === f[1],
    )?.getAttribute('data-verdict');
    return v === 'blocked';
  }, [DEMO.centos, DEMO.svc], { timeout: TIMEOUT });
  await clickFlow(main, DEMO.centos, DEMO.svc);
  const selMs = await within(presenter, (f) =>
    [...document.querySelectorAll('svg#graph .flow.selected')].some((e) => e.getAttribute('data-from') === f[0] && e.getAttribute('data-to') === f[1]),
  [DEMO.centos, DEMO.svc]);
  assert.ok(selMs < 500, `selection followed after ${selMs} ms`);
  // What-if: switching the deny policy off reopens the flow there too.
  await main.click('#policies li[data-policy] input[data-policy-toggle]');
  const offMs = await within(presenter, (f) => {
    const v = [...document.querySelectorAll('svg#graph [data-from][data-to][data-verdict]')].find(
      (e) => e.getAttribute('data-from') === f[0] && e.getAttribute('data-to') === f[1],
    )?.getAttribute('data-verdict');
    return v === 'allowed';
  }, [DEMO.centos, DEMO.svc]);
  assert.ok(offMs < 500, `what-if followed after ${offMs} ms`);
  // Pause.
  await main.click('#pause-animation');
  await presenter.waitForSelector('.app.paused', { timeout: 500 });
  await main.click('#pause-animation');
  await presenter.waitForSelector('.app:not(.paused)', { timeout: 500 });
  // Slower packets in the presenter.
  const dur = await presenter.$eval('svg#graph .flow.selected .packets', (e) => parseFloat(getComputedStyle(e).animationDuration));
  const mainDur = await main.$eval('svg#graph .flow.selected .packets', (e) => parseFloat(getComputedStyle(e).animationDuration));
  assert.ok(dur > mainDur * 1.5, `packets: presenter ${dur}s, main ${mainDur}s`);
  await main.context().close();
});

test('lesson and step follow; notes only in the main window; arrow keys step in both windows', async () => {
  const { main, presenter } = await pair();
  await main.goto(app.baseUrl + '#lesson=classic-demo&step=1', { waitUntil: 'load' });
  await main.reload({ waitUntil: 'load' });
  await main.waitForSelector('#lesson[data-lesson-id="classic-demo"]', { timeout: TIMEOUT });
  await presenter.waitForSelector('#presenter-counter[data-step="1"][data-steps="3"]', { timeout: TIMEOUT });
  const title = (await main.textContent('#lesson .step-title')).trim();
  assert.equal((await presenter.textContent('#presenter-title')).trim(), title);
  const para = (await main.textContent('#lesson-text p')).trim();
  assert.ok((await presenter.textContent('#presenter-text')).includes(para.slice(0, 40)));
  // Notes: in the main window's panel, never in the presenter.
  const notes = (await main.textContent('#lesson-notes')).trim();
  assert.match(notes, /Ask the room/);
  assert.equal(await presenter.$('#lesson-notes'), null);
  assert.ok(!(await presenter.textContent('body')).includes('Ask the room'), 'no notes in the presenter');
  // An arrow key in the main window (a reading step moves on) moves both.
  await main.click('#lesson .step-title');
  await main.keyboard.press('ArrowRight');
  await main.waitForSelector('#lesson-step[data-step="2"]', { timeout: TIMEOUT });
  const stepMs = await within(presenter, () => document.querySelector('#presenter-counter')?.getAttribute('data-step') === '2');
  assert.ok(stepMs < 500, `step followed after ${stepMs} ms`);
  // An arrow key in the presenter steps the main window back, and the presenter follows.
  await presenter.keyboard.press('ArrowLeft');
  await main.waitForSelector('#lesson-step[data-step="1"]', { timeout: 1000 });
  await presenter.waitForSelector('#presenter-counter[data-step="1"]', { timeout: 1000 });
  // Arrow keys in the editor move the caret, not the lesson.
  await main.focus('#editor');
  await main.keyboard.press('ArrowRight');
  assert.equal(await main.getAttribute('#lesson-step', 'data-step'), '1');
  // Arrow keys on a focused splitter resize the pane, and do not step the lesson too.
  await main.focus('#split-editor');
  const width = await main.getAttribute('#split-editor', 'aria-valuenow');
  await main.keyboard.press('ArrowRight');
  await main.waitForFunction((w) => document.querySelector('#split-editor')?.getAttribute('aria-valuenow') !== w, width, { timeout: TIMEOUT });
  await main.waitForTimeout(300);
  assert.equal(await main.getAttribute('#lesson-step', 'data-step'), '1', 'the splitter took the arrow key');
  assert.equal(await presenter.getAttribute('#presenter-counter', 'data-step'), '1');
  await main.context().close();
});

test('presenter at 1280×720 and 1400×900, light and dark: no overlap, text ≥ 18 px, axe-clean', async () => {
  const axe = fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  for (const colorScheme of ['light', 'dark']) {
    for (const viewport of [{ width: 1280, height: 720 }, { width: 1400, height: 900 }]) {
      const { main, presenter } = await pair({ colorScheme, viewport });
      await main.goto(app.baseUrl + '#lesson=classic-demo&step=2', { waitUntil: 'load' });
      await main.reload({ waitUntil: 'load' });
      await presenter.waitForSelector('#presenter-counter[data-step="2"]', { timeout: TIMEOUT });
      await presenter.waitForSelector('svg#graph [data-verdict]', { state: 'attached', timeout: TIMEOUT });
      await presenter.waitForTimeout(300);
      const size = `${viewport.width}x${viewport.height}`;
      await shot(presenter, TAG, `presenter-${colorScheme}-${size}`);
      const r = await presenter.evaluate(() => {
        const small = [];
        for (const el of document.querySelectorAll('#presenter-step *, svg#graph text')) {
          const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
          if (!hasText) continue;
          const s = getComputedStyle(el);
          // Not on screen (e.g. the export-only legend inside the svg, hidden by its group).
          if (el.getClientRects().length === 0) continue;
          if (s.display === 'none' || s.visibility === 'hidden' || el.closest('.legend, [data-hidden="true"]')) continue;
          let px = parseFloat(s.fontSize);
          if (el instanceof SVGElement) px *= el.getScreenCTM()?.a ?? 1;
          if (px < 17.9) small.push(`${el.tagName}.${el.getAttribute('class')} "${el.textContent.trim().slice(0, 20)}": ${px.toFixed(1)}px`);
        }
        const doc = document.scrollingElement;
        return { small, scroll: [doc.scrollWidth > doc.clientWidth, doc.scrollHeight > doc.clientHeight] };
      });
      assert.deepEqual(r.small, [], `labels ≥ 18 px (${colorScheme}, ${size})`);
      assert.deepEqual(r.scroll, [false, false], 'no page scrollbars');
      assert.deepEqual(await overlappingTexts(presenter), [], `no overlapping graph texts (${colorScheme}, ${size})`);
      await presenter.addScriptTag({ content: axe });
      const v = await presenter.evaluate(async () => {
        // The tags the main page is held to (13-at-a-glance): WCAG 2 A/AA.
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
        return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      assert.deepEqual(v, [], `axe (${colorScheme}, ${size})`);
      await main.context().close();
    }
  }
});
