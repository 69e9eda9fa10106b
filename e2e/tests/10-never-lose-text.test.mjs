// Never lose a learner's text: loading an example over it is undoable (the notice's Undo,
// Ctrl+Z in the editor), the saved copy stays until the new text is edited, an arrow key
// on the closed Examples menu loads nothing, and versions (named snapshots, recent states)
// survive a reload.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, editorText, setEditorText, shot, waitReady, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'never-lose-text';
const app = useApp(TAG);

const MINE = `apiVersion: v1
kind: Pod
metadata:
  name: my-own-pod
  namespace: default
  labels: {app: mine}
---
apiVersion: v1
kind: Pod
metadata:
  name: my-other-pod
  namespace: default
  labels: {app: other}
`;

/** The saved copy of the text (the page's localStorage key for it). */
function savedText(page) {
  return page.evaluate(() => localStorage.getItem('netpol-playground.text'));
}

async function typeMine(page) {
  await setEditorText(page, MINE);
  await page.waitForFunction((t) => localStorage.getItem('netpol-playground.text') === t, MINE, { timeout: TIMEOUT });
}

async function loadExample(page, id) {
  await page.selectOption('#examples', id);
  await page.waitForFunction(() => !document.querySelector('#editor').value.includes('my-own-pod'), null, { timeout: TIMEOUT });
  await waitReady(page);
}

describe('never lose text', () => {
  test('an example over typed text: Undo brings it back; the saved copy waits for an edit', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    await typeMine(page);
    await loadExample(page, 'demo-deny');
    await page.locator('#undo').waitFor({ timeout: TIMEOUT });
    assert.match(await page.locator('#notice').textContent(), /loaded the example/);
    // The example has been analysed, yet the saved copy is still the user's.
    await page.waitForTimeout(400);
    assert.equal(await savedText(page), MINE, 'loading an example does not overwrite the saved copy');
    await shot(page, TAG, '1-undo-offered');
    await page.locator('#undo').click();
    await page.waitForFunction((t) => document.querySelector('#editor').value === t, MINE, { timeout: TIMEOUT });
    assert.equal(await page.locator('#undo').count(), 0, 'nothing left to undo');

    // Editing the loaded text makes it the saved copy.
    await loadExample(page, 'wordpress');
    const edited = (await editorText(page)) + '# edited\n';
    await setEditorText(page, edited);
    await page.waitForFunction((t) => localStorage.getItem('netpol-playground.text') === t, edited, { timeout: TIMEOUT });
  });

  test('Ctrl+Z in the editor restores the text an example replaced', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    await typeMine(page);
    await loadExample(page, 'egress-dns');
    await page.locator('#editor').focus();
    await page.keyboard.press('Control+z');
    await page.waitForFunction((t) => document.querySelector('#editor').value === t, MINE, { timeout: TIMEOUT });
    assert.equal(await savedText(page), MINE);
  });

  test('an arrow key on the closed Examples menu loads nothing', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    await typeMine(page);
    await page.locator('#examples').focus();
    for (const k of ['ArrowDown', 'ArrowDown', 'ArrowUp', 'End', 'w']) await page.keyboard.press(k);
    await page.waitForTimeout(500);
    assert.equal(await editorText(page), MINE, 'the text is untouched');
    assert.equal(await savedText(page), MINE);
    assert.equal(await page.locator('#undo').count(), 0);
  });

  test('named snapshots (save, restore, delete) and recent states survive a reload', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    await typeMine(page);
    // Typing is recorded as a recent state within a few seconds, without any load.
    await page.waitForFunction(() => (localStorage.getItem('netpol-playground.versions') ?? '').includes('my-own-pod'), null, { timeout: TIMEOUT });
    await page.locator('#versions').click();
    await page.locator('#snapshot-name').fill('my lesson');
    await page.locator('#save-snapshot').click();
    await page.locator('#snapshots li[data-snapshot="my lesson"]').waitFor({ timeout: TIMEOUT });
    await shot(page, TAG, '2-versions');

    await loadExample(page, 'ipblock');
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('svg#graph [data-node]', { state: 'attached', timeout: TIMEOUT });
    // After the reload: the saved copy (the user's text: the example was never edited) ...
    assert.equal(await editorText(page), MINE);
    // ... and the versions: the snapshot, and the user's text among the recent states.
    await page.locator('#versions').click();
    const recent = await page.$$eval('#recent li', (els) => els.map((e) => e.textContent));
    assert.ok(recent.length >= 1, 'recent states are listed after a reload');
    await setEditorText(page, 'kind: Pod\n');
    await page.locator('#snapshots li[data-snapshot="my lesson"] button.restore').click();
    await page.waitForFunction((t) => document.querySelector('#editor').value === t, MINE, { timeout: TIMEOUT });
    await page.locator('#snapshots li[data-snapshot="my lesson"] button.delete').click();
    await page.waitForFunction(() => !document.querySelector('#snapshots li[data-snapshot="my lesson"]'), null, { timeout: TIMEOUT });
    const stored = await page.evaluate(() => localStorage.getItem('netpol-playground.versions') ?? '');
    assert.ok(!stored.includes('my lesson'), 'the deleted snapshot is gone from storage');
    assert.ok(stored.includes('my-own-pod'), 'recent states are stored');
  });
});
