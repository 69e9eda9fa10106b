// The text survives a reload, and a new tab of the bare URL (localStorage, not only the URL).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, editorText, setEditorText, expectFlow, shot, appendDocs, withoutDocs, DENY_BOTH, DEMO, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'persistence';
const app = useApp(TAG);

test('reload keeps the text', async () => {
  const page = await app.newPage();
  await openApp(page, app.baseUrl);
  const base = withoutDocs(await editorText(page), /kind:\s*NetworkPolicy/);
  const text = appendDocs(base, DENY_BOTH) + `# kept across reloads ${Date.now()} ✓\n`;
  await setEditorText(page, text);
  await expectFlow(page, DEMO.centos, [DEMO.svc, DEMO.httpd], 'blocked');

  // Saving may be debounced: wait until something in localStorage holds the marker.
  const marker = text.trim().split('\n').pop();
  await page
    .waitForFunction(
      (m) => Object.keys(localStorage).some((k) => (localStorage.getItem(k) ?? '').includes(m.slice(2, 20))),
      marker,
      { timeout: TIMEOUT },
    )
    .catch(() => {});

  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('svg#graph [data-node]', { state: 'attached', timeout: TIMEOUT });
  assert.equal(await editorText(page), text, 'the text after reload');
  await expectFlow(page, DEMO.centos, [DEMO.svc, DEMO.httpd], 'blocked');

  // A new tab on the bare URL (no fragment) of the same browser profile gets it too.
  const tab = await page.context().newPage();
  app.watch(tab);
  await openApp(tab, app.baseUrl);
  assert.equal(await editorText(tab), text, 'the text in a new tab without a link');
  await shot(tab, TAG, '1-reloaded');
});
