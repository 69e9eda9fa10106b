// Interaction: Escape clears a selection, so does a click on empty space inside a namespace;
// dragging to pan never selects; Tab / Shift+Tab indent in the editor (Escape then Tab leaves
// it); the SVG export carries the legend and no selection dimming.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { useApp, openApp, editorText, setEditorText, clickNode, expectFlow, shot, waitReady, DEMO, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'interaction';
const app = useApp(TAG);

const selectedCount = (page) => page.$$eval('svg#graph .node.selected', (els) => els.length);

describe('interaction', () => {
  test('Escape and a click inside a namespace clear the selection; a drag selects nothing', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    await waitReady(page);
    await clickNode(page, DEMO.centos);
    await page.waitForFunction(() => document.querySelectorAll('svg#graph .node.selected').length > 0, null, { timeout: TIMEOUT });
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelectorAll('svg#graph .node.selected').length === 0, null, { timeout: TIMEOUT });

    await clickNode(page, DEMO.centos);
    await page.waitForFunction(() => document.querySelectorAll('svg#graph .node.selected').length > 0, null, { timeout: TIMEOUT });
    // Empty space inside the namespace: its region's corner.
    const corner = await page.$eval('svg#graph [data-namespace="default"] rect', (r) => {
      const b = r.getBoundingClientRect();
      return { x: b.left + 12, y: b.bottom - 12 };
    });
    assert.equal(await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('[data-namespace]') !== null, corner), true);
    await page.mouse.click(corner.x, corner.y);
    await page.waitForFunction(() => document.querySelectorAll('svg#graph .node.selected').length === 0, null, { timeout: TIMEOUT });

    // A drag that starts on a node pans and selects nothing.
    const box = await page.locator(`svg#graph [data-node="${DEMO.centos}"] .shape`).first().boundingBox();
    const vb0 = await page.getAttribute('svg#graph', 'viewBox');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 80, box.y + 40, { steps: 6 });
    await page.mouse.up();
    await page.waitForTimeout(200);
    assert.notEqual(await page.getAttribute('svg#graph', 'viewBox'), vb0, 'the drag panned');
    assert.equal(await selectedCount(page), 0, 'the drag selected nothing');
  });

  test('Tab and Shift+Tab indent in the editor; Escape then Tab leaves it', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    const before = await editorText(page);
    await page.locator('#editor').focus();
    await page.evaluate(() => document.querySelector('#editor').setSelectionRange(0, 0));
    await page.keyboard.press('Tab');
    assert.equal(await editorText(page), '  ' + before, 'Tab inserts two spaces');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'editor', 'focus stays in the editor');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await editorText(page), before, 'Shift+Tab takes them back');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+z');
    assert.equal(await editorText(page), before, 'an indent is undoable');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert.notEqual(await page.evaluate(() => document.activeElement?.id), 'editor', 'Escape then Tab leaves the editor');
    assert.equal(await editorText(page), before);
  });

  test('Enter keeps the block structure: a key opens a block, a list item continues', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    await setEditorText(page, 'spec:');
    await page.locator('#editor').focus();
    await page.evaluate(() => { const e = document.querySelector('#editor'); e.setSelectionRange(e.value.length, e.value.length); });
    await page.keyboard.press('Enter');
    await page.keyboard.type('ingress:');
    await page.keyboard.press('Enter');
    await page.keyboard.type('- from:');
    await page.keyboard.press('Enter');
    await page.keyboard.type('x');
    assert.equal(await editorText(page), 'spec:\n  ingress:\n    - from:\n        x');
    await page.keyboard.press('Control+z');
    assert.notEqual(await editorText(page), 'spec:\n  ingress:\n    - from:\n        x', 'undoable');
  });

  test('the SVG export holds the legend and no selection dimming', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'allowed');
    await clickNode(page, DEMO.centos);
    await page.waitForFunction(() => document.querySelectorAll('svg#graph .dim').length > 0, null, { timeout: TIMEOUT });
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.locator('#export-svg').click()]);
    const svg = fs.readFileSync(await dl.path(), 'utf8');
    assert.match(svg, /class="[^"]*export-legend/, 'the legend is in the export');
    assert.match(svg, /where the traffic stops|allowed/, 'with its words');
    assert.doesNotMatch(svg, /class="[^"]*\bdim\b/, 'no selection dimming in the export');
    await shot(page, TAG, 'export');
  });

  test('a template goes in after the caret\'s document, and Ctrl+Z takes it back', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    const before = await editorText(page);
    await page.locator('#editor').focus();
    await page.evaluate(() => document.querySelector('#editor').setSelectionRange(5, 5));
    await page.selectOption('#templates', 'deny-ingress');
    await page.locator('#policies li[data-policy="default/deny-all-ingress"]').waitFor({ timeout: TIMEOUT });
    const after = await editorText(page);
    const firstDocEnd = before.search(/^---/m);
    assert.equal(after.slice(0, firstDocEnd), before.slice(0, firstDocEnd), 'the first document is untouched');
    assert.match(after.slice(firstDocEnd), /^---\napiVersion: networking\.k8s\.io\/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all-ingress/);
    assert.equal(after.replace(/---\napiVersion: networking[^]*?- Ingress\n/, ''), before, 'only the template was added');
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'blocked', { blockedAt: 'destination' });
    await page.locator('#editor').focus();
    await page.keyboard.press('Control+z');
    await page.waitForFunction((t) => document.querySelector('#editor').value === t, before, { timeout: TIMEOUT });
  });
});
