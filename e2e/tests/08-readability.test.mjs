// Every example stays readable: no two texts of the graph overlap, and no blocked-flow
// ✕ or CNI ⚠ mark sits on a node's name. One screenshot per example.

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, editorText, nodeNames, shot, overlappingTexts, waitReady, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'readability';
const app = useApp(TAG);

/** Flow marks (✕ where blocked, ⚠ where CNI-dependent) whose boxes cover a node's text. */
function marksOnNodeTexts(page) {
  return page.evaluate(() => {
    const texts = [...document.querySelectorAll('svg#graph [data-node] text')].filter((t) => t.getBoundingClientRect().width > 0);
    const marks = [...document.querySelectorAll('svg#graph [data-from] .stop, svg#graph [data-from] .cni-mark')];
    const out = [];
    for (const m of marks) {
      const a = m.getBoundingClientRect();
      for (const t of texts) {
        const c = t.getBoundingClientRect();
        const w = Math.min(a.right, c.right) - Math.max(a.left, c.left);
        const h = Math.min(a.bottom, c.bottom) - Math.max(a.top, c.top);
        if (w > 1 && h > 1) {
          const f = m.closest('[data-from]');
          out.push(`${m.getAttribute('class')} of ${f.getAttribute('data-from')} -> ${f.getAttribute('data-to')} on ${t.closest('[data-node]').getAttribute('data-node')} "${t.textContent}"`);
        }
      }
    }
    return out;
  });
}

describe('every example is readable', () => {
  let page;
  let examples = [];
  before(async () => {
    page = await app.newPage();
    page.on('dialog', (d) => d.accept());
    await openApp(page, app.baseUrl);
    examples = await page.$$eval('#examples option', (os) => os.filter((o) => o.value && !o.disabled).map((o) => o.value));
  });

  // The examples are known only once the page is open: one test walks them all and
  // reports every problem at once.
  test('no overlapping texts, no flow mark on a node name', async () => {
    assert.ok(examples.length >= 2, 'examples in the menu');
    const problems = [];
    for (const value of examples) {
      const prev = await editorText(page);
      await page.selectOption('#examples', value);
      await page.waitForFunction((p) => document.querySelector('#editor').value !== p, prev, { timeout: TIMEOUT }).catch(() => {});
      await waitReady(page);
      await page.waitForTimeout(300);
      assert.ok((await nodeNames(page)).length >= 2, `${value} draws nodes`);
      await shot(page, TAG, value);
      for (const o of await overlappingTexts(page)) problems.push(`${value}: texts overlap: ${o}`);
      for (const m of await marksOnNodeTexts(page)) problems.push(`${value}: ${m}`);
    }
    assert.deepEqual(problems, [], `${problems.length} readability problems`);
  });
});
