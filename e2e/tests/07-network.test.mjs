// No request leaves 127.0.0.1: a whole session (every example, the controls, a
// reload, the share link, the exports) is recorded request by request. (Every other
// test file also checks its own requests in its after hook: lib/harness.mjs.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, editorText, nodeNames, flows, shot, isLocalUrl, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'network';
const app = useApp(TAG);

test('a whole session makes no request beyond 127.0.0.1, and every example renders', async () => {
  const page = await app.newPage({ clipboard: true });
  page.on('dialog', (d) => d.accept());
  const start = app.requests.length;
  await openApp(page, app.baseUrl);

  const loaded = app.requests.slice(start).map((r) => r.url);
  assert.ok(loaded.some((u) => u.endsWith('.wasm')), 'the wasm was fetched from the local server');

  // Every example in the menu renders nodes, without touching the network.
  const options = await page.$$eval('#examples option', (os) => os.filter((o) => o.value && !o.disabled).map((o) => o.value));
  assert.ok(options.length >= 2, `several examples (${options.join(', ')})`);
  const rendered = [];
  for (const value of options) {
    const prev = await editorText(page);
    await page.selectOption('#examples', value);
    await page.waitForFunction((p) => document.querySelector('#editor').value !== p, prev, { timeout: TIMEOUT }).catch(() => {});
    await page.waitForTimeout(400);
    const nodes = await nodeNames(page);
    const drawn = (await flows(page)).filter((f) => f.verdict);
    rendered.push({ value, nodes: nodes.length, flows: drawn.length });
    assert.ok(nodes.length >= 2, `example ${value} draws nodes (${nodes.length})`);
  }

  await shot(page, TAG, '1-last-example');

  // The controls that might fetch something: theme, pause, matrix, copy link, exports.
  for (const sel of ['#theme-toggle', '#pause-animation', '#copy-link']) {
    const el = page.locator(sel);
    if (await el.count()) await el.first().click().catch(() => {});
  }
  for (const sel of ['#export-svg', '#export-png', '#download-yaml']) {
    const el = page.locator(sel);
    if (await el.count()) {
      await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }).catch(() => {}), el.first().click().catch(() => {})]);
    }
  }
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('svg#graph [data-node]', { state: 'attached', timeout: TIMEOUT });
  await page.waitForTimeout(500);
  await shot(page, TAG, '2-after-tour');

  const outside = app.requests.filter((r) => !isLocalUrl(r.url)).map((r) => r.url);
  assert.deepEqual(outside, [], 'every request stays on 127.0.0.1');
  assert.ok(app.requests.length > 0);
  console.log(`${app.requests.length} requests, all local; examples: ${JSON.stringify(rendered)}`);
});
