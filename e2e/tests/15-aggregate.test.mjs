// Above a dozen nodes, a useful picture before anything is clicked: flows summed per
// namespace pair (allowed / blocked / partial node pairs); a click on one draws exactly
// those flows; Escape goes back to the summary; the Flows filter works without a selection.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, setEditorText, readFixture, shot, waitReady, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'aggregate';
const app = useApp(TAG);

test('a large scenario opens on namespace aggregates that expand on click', async () => {
  const page = await app.newPage();
  await openApp(page, app.baseUrl);
  await setEditorText(page, readFixture('gen-p50-m10-s1.yaml'));
  await page.locator('svg#graph .aggregate[data-from-ns]').first().waitFor({ timeout: TIMEOUT });
  await waitReady(page);
  const aggs = await page.$$eval('svg#graph .aggregate[data-from-ns]', (els) => els.map((e) => ({
    from: e.getAttribute('data-from-ns'), to: e.getAttribute('data-to-ns'),
    n: ['allowed', 'blocked', 'partial'].map((k) => Number(e.getAttribute(`data-${k}`))),
    text: e.textContent,
  })));
  assert.ok(aggs.length >= 3, `several namespace pairs (${aggs.length})`);
  assert.ok(aggs.every((a) => a.n.reduce((x, y) => x + y, 0) > 0), 'each counts some node pairs');
  assert.equal((await page.$$('svg#graph [data-from][data-verdict]')).length, 0, 'no single flow drawn yet');
  await shot(page, TAG, '1-aggregates');

  const pick = aggs.find((a) => a.from !== a.to);
  assert.ok(pick, 'a pair of distinct namespaces');
  await page.locator(`svg#graph .aggregate[data-from-ns="${pick.from}"][data-to-ns="${pick.to}"]`).dispatchEvent('click');
  await page.waitForFunction(() => document.querySelectorAll('svg#graph [data-from][data-verdict]').length > 0, null, { timeout: TIMEOUT });
  const drawn = await page.$$eval('svg#graph [data-from][data-verdict]', (els) => els.map((e) => [e.getAttribute('data-from'), e.getAttribute('data-to')]));
  const ns = (id) => id.replace(/^service:/, '').split('/')[0];
  assert.ok(drawn.every(([f, t]) => ns(f) === pick.from && ns(t) === pick.to), `only ${pick.from} → ${pick.to}: ${JSON.stringify(drawn.slice(0, 5))}`);
  const total = pick.n.reduce((x, y) => x + y, 0);
  assert.ok(drawn.length >= Math.min(total, 1), 'the flows of the pair are drawn');
  await shot(page, TAG, '2-expanded');

  await page.keyboard.press('Escape');
  await page.locator('svg#graph .aggregate[data-from-ns]').first().waitFor({ timeout: TIMEOUT });

  // The Flows filter works without a selection: the matching flows are drawn.
  await page.selectOption('#flow-filter', 'allowed');
  await page.waitForFunction(() => document.querySelectorAll('svg#graph [data-from][data-verdict]').length > 0, null, { timeout: TIMEOUT });
  const verdicts = await page.$$eval('svg#graph [data-from][data-verdict]', (els) => [...new Set(els.map((e) => e.getAttribute('data-verdict')))]);
  assert.deepEqual(verdicts, ['allowed']);
  assert.equal((await page.$$('svg#graph .aggregate[data-from-ns]')).length, 0, 'the flows replace the summary');
  await shot(page, TAG, '3-allowed-only');
});
