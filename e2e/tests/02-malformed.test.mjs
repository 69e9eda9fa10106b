// Malformed YAML skips its document only (the others stay drawn, live), marks the offending
// line, loses nothing typed; when nothing parses the last good graph stays, dimmed; fixing
// the text brings the whole live graph back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, editorText, setEditorText, nodeNames, shot, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'malformed';
const app = useApp(TAG);

/** Is the graph shown as stale: data-state="stale", or visibly dimmed? */
function graphStaleness(page) {
  return page.$eval('svg#graph', (g) => {
    let opacity = 1;
    let filter = '';
    for (let e = g; e && e !== document.body; e = e.parentElement) {
      const cs = getComputedStyle(e);
      opacity *= Number(cs.opacity);
      if (cs.filter && cs.filter !== 'none') filter += cs.filter;
    }
    const inner = g.querySelector(':scope > g');
    if (inner) opacity *= Number(getComputedStyle(inner).opacity);
    return { state: g.getAttribute('data-state'), dimmed: g.getAttribute('data-dimmed'), opacity, filter, cls: `${g.getAttribute('class') ?? ''} ${g.parentElement?.getAttribute('class') ?? ''}` };
  });
}

test('malformed YAML skips its document, marks the right line, and dims only when nothing parses', async () => {
  const page = await app.newPage();
  await openApp(page, app.baseUrl);
  const good = await editorText(page);
  await page.waitForFunction(() => document.querySelectorAll('svg#graph [data-from][data-verdict]').length > 0, null, { timeout: TIMEOUT });
  const nodesBefore = (await nodeNames(page)).sort();
  assert.ok(nodesBefore.includes('default/dep-httpd'), 'the demo draws dep-httpd');

  // A syntax error inside the Deployment's metadata, on a known line.
  const lines = good.split('\n');
  const at = lines.findIndex((l) => /^\s*name:\s*dep-httpd\s*$/.test(l));
  assert.ok(at >= 0, 'the demo names dep-httpd in its own metadata line');
  const indent = /^\s*/.exec(lines[at])[0];
  lines.splice(at + 1, 0, `${indent}bad: x: y`);
  const badLine = at + 2; // 1-based number of the inserted line
  const bad = lines.join('\n');
  await setEditorText(page, bad);

  const diag = page.locator(`#diagnostics [data-line="${badLine}"]`);
  await diag.first().waitFor({ state: 'attached', timeout: TIMEOUT });
  const msg = (await diag.first().textContent()) ?? '';
  assert.ok(msg.trim().length > 0, 'the diagnostic says something');

  // The Deployment's document is skipped; the Service and pod-centos are still analysed.
  await page.waitForFunction(() => !document.querySelector('svg#graph [data-node="default/dep-httpd"]'), null, { timeout: TIMEOUT });
  const st = await graphStaleness(page);
  assert.ok(st.dimmed !== 'true' && st.opacity > 0.95, `the graph shows the documents that parse, live (${JSON.stringify(st)})`);
  const nodesDuring = (await nodeNames(page)).sort();
  assert.deepEqual(nodesDuring, nodesBefore.filter((n) => n !== 'default/dep-httpd'), 'everything but the broken Deployment');
  assert.match(await page.locator('#skipped').textContent(), /Deployment `dep-httpd`/);
  assert.equal(await editorText(page), bad, 'nothing typed is lost or reset');

  // A marker on the line itself (the editor gutter), outside the diagnostics list.
  const gutter = await page.$$eval(`[data-line="${badLine}"]`, (els) => els.filter((e) => !e.closest('#diagnostics')).length);
  assert.ok(gutter > 0, `a gutter marker for line ${badLine}`);

  // The entry jumps to its line: the caret lands on line `badLine`.
  await diag.first().click();
  const caretLine = await page.$eval('#editor', (el) => el.value.slice(0, el.selectionStart).split('\n').length);
  assert.equal(caretLine, badLine, 'clicking the diagnostic puts the caret on its line');
  await shot(page, TAG, '1-stale');

  // Nothing parses: the last good graph stays, dimmed.
  const broken = 'kind: [\n';
  await setEditorText(page, broken);
  await page.waitForFunction(() => document.querySelector('svg#graph')?.getAttribute('data-dimmed') === 'true', null, { timeout: TIMEOUT });
  const dim = await graphStaleness(page);
  assert.ok(dim.opacity < 0.95 || /grayscale/.test(dim.filter), `the kept graph is dimmed (${JSON.stringify(dim)})`);
  assert.deepEqual((await nodeNames(page)).sort(), nodesDuring, 'the last good graph is kept');
  assert.equal(await editorText(page), broken);

  // Fix it: the graph is live again and the marker goes away.
  await setEditorText(page, good);
  await page.waitForFunction(
    (n) => !document.querySelector(`#diagnostics [data-line="${n}"]`),
    badLine,
    { timeout: TIMEOUT },
  );
  await page.waitForFunction(
    () => {
      const g = document.querySelector('svg#graph');
      return g && g.getAttribute('data-state') !== 'stale' && g.getAttribute('data-dimmed') !== 'true';
    },
    null,
    { timeout: TIMEOUT },
  );
  const after = await graphStaleness(page);
  assert.ok(after.opacity > 0.95 && after.state !== 'stale' && after.dimmed !== 'true', `the graph is live again (${JSON.stringify(after)})`);
  assert.deepEqual((await nodeNames(page)).sort(), nodesBefore);
});
