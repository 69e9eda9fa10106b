// Animation is CSS (no script per frame), honours prefers-reduced-motion, and the
// pause control stops it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, expectFlow, shot, DEMO } from '../lib/harness.mjs';

const TAG = 'animation';
const app = useApp(TAG);

function running(page) {
  return page.evaluate(() => {
    const inGraph = document.getAnimations().filter((a) => a.effect?.target?.closest?.('svg#graph'));
    return { running: inGraph.filter((a) => a.playState === 'running').length, all: inGraph.length };
  });
}

test('flows animate with CSS; the pause control stops them and resumes them', async () => {
  const page = await app.newPage();
  await openApp(page, app.baseUrl);
  await expectFlow(page, DEMO.centos, [DEMO.svc, DEMO.httpd], 'allowed');
  const before = await running(page);
  assert.ok(before.running > 0, `CSS animations run in the graph (${JSON.stringify(before)})`);

  // No script per frame: over one second the graph's DOM does not change.
  const mutations = await page.evaluate(
    () =>
      new Promise((resolve) => {
        let n = 0;
        const mo = new MutationObserver((r) => (n += r.length));
        mo.observe(document.querySelector('svg#graph'), { subtree: true, childList: true, attributes: true, characterData: true });
        setTimeout(() => (mo.disconnect(), resolve(n)), 1000);
      }),
  );
  assert.equal(mutations, 0, 'the animation does not rewrite the DOM');

  await page.locator('#pause-animation').click();
  await page.waitForTimeout(200);
  const paused = await running(page);
  assert.equal(paused.running, 0, `paused: no running animation (${JSON.stringify(paused)})`);
  assert.equal(await page.locator('#pause-animation').getAttribute('aria-pressed'), 'true', 'the control says it is pressed');
  await shot(page, TAG, '1-paused');
  await page.locator('#pause-animation').click();
  await page.waitForTimeout(200);
  assert.ok((await running(page)).running > 0, 'resumed');
});

test('prefers-reduced-motion: nothing moves', async () => {
  const page = await app.newPage({ reducedMotion: 'reduce' });
  await openApp(page, app.baseUrl);
  await expectFlow(page, DEMO.centos, [DEMO.svc, DEMO.httpd], 'allowed');
  await page.waitForTimeout(200);
  const r = await running(page);
  assert.equal(r.running, 0, `no running animation with reduced motion (${JSON.stringify(r)})`);
  await shot(page, TAG, '2-reduced-motion');
});
