// A graph a room can read: on the WordPress + MySQL example, at 1280×720 and 1400×900, light and
// dark, every flow's port label is shown and covers no other flow label and no node label; the
// mysql Service lies between wordpress (which names it in an env value) and the mysql pods on
// the x axis; editing a policy in the editor moves no node. Screenshots of each to LOOK at.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, setEditorText, editorText, shot, waitReady, overlappingTexts, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'layout';
const app = useApp(TAG);

async function loadWordpress(page) {
  const prev = await editorText(page);
  await page.selectOption('#examples', 'wordpress');
  await page.waitForFunction((p) => document.querySelector('#editor').value !== p, prev, { timeout: TIMEOUT });
  await page.waitForSelector('svg#graph [data-node="service:default/mysql"]', { timeout: TIMEOUT });
  await waitReady(page);
  await page.waitForTimeout(300);
}

/** Boxes (screen pixels) of the visible flow labels and node labels. */
function labelBoxes(page) {
  return page.evaluate(() => {
    const visible = (t) => {
      const r = t.getBoundingClientRect();
      const cs = getComputedStyle(t);
      return r.width > 0 && r.height > 0 && cs.display !== 'none' && cs.visibility !== 'hidden';
    };
    const box = (t, what) => {
      const r = t.getBoundingClientRect();
      return { what, text: t.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    const flows = [...document.querySelectorAll('svg#graph [data-from] text.flow-label')].filter(visible).map((t) => {
      const f = t.closest('[data-from]');
      return box(t, `flow ${f.getAttribute('data-from')} -> ${f.getAttribute('data-to')}`);
    });
    const nodes = [...document.querySelectorAll('svg#graph [data-node] text.node-label, svg#graph [data-node] text.node-kind')]
      .filter(visible)
      .map((t) => box(t, `node ${t.closest('[data-node]').getAttribute('data-node')}`));
    const drawn = [...document.querySelectorAll('svg#graph [data-from][data-verdict]')].filter((f) => !f.classList.contains('hidden')).length;
    return { flows, nodes, drawn };
  });
}

const overlaps = (a, b, tol = 0.5) =>
  Math.min(a.right, b.right) - Math.max(a.left, b.left) > tol && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > tol;

/** Node centres in graph units (their `translate`), by `data-node`. */
function nodePositions(page) {
  return page.$$eval('svg#graph [data-node]', (els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute('data-node'), e.getAttribute('transform')])),
  );
}

/** Screen centre x of a node's shape. */
function centreX(page, id) {
  return page.$eval(`svg#graph [data-node="${id}"] .shape`, (e) => {
    const r = e.getBoundingClientRect();
    return (r.left + r.right) / 2;
  });
}

for (const [width, height] of [[1280, 720], [1400, 900]]) {
  test(`WordPress + MySQL at ${width}×${height}: labels clear of each other, Service between, policies move nothing`, async () => {
    const page = await app.newPage({ viewport: { width, height } });
    page.on('dialog', (d) => d.accept());
    await openApp(page, app.baseUrl);
    await loadWordpress(page);

    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') {
        await page.click('#theme-toggle');
        await page.waitForTimeout(200);
      }
      const { flows, nodes, drawn } = await labelBoxes(page);
      assert.ok(drawn >= 4, `several flows drawn (${drawn})`);
      assert.equal(flows.length, drawn, 'every drawn flow shows its port label');
      const problems = [];
      for (let i = 0; i < flows.length; i++) {
        for (let j = i + 1; j < flows.length; j++) {
          if (overlaps(flows[i], flows[j])) problems.push(`${flows[i].what} "${flows[i].text}" / ${flows[j].what} "${flows[j].text}"`);
        }
        for (const n of nodes) {
          if (overlaps(flows[i], n)) problems.push(`${flows[i].what} "${flows[i].text}" on ${n.what} "${n.text}"`);
        }
      }
      assert.deepEqual(problems, [], `${theme}: labels overlap`);
      assert.deepEqual(await overlappingTexts(page), [], `${theme}: no two texts of the graph overlap`);
      await shot(page, TAG, `wordpress-${width}x${height}-${theme}`);
    }

    // The Service between its caller and its pods.
    const [wp, svc, db, client] = await Promise.all(
      ['default/wordpress', 'service:default/mysql', 'default/mysql', 'default/debug-client'].map((id) => centreX(page, id)),
    );
    assert.ok(wp < svc && svc < db, `wordpress ${wp} < Service ${svc} < mysql ${db}`);
    assert.ok(client < svc, `debug-client ${client} left of the Service ${svc}`);

    // Editing a policy (its port, then deleting it) moves no node.
    const before = await nodePositions(page);
    const text = await editorText(page);
    const edited = text.replace('- {protocol: TCP, port: 3306}', '- {protocol: TCP, port: 3307}');
    assert.notEqual(edited, text, 'the policy port is in the example');
    await setEditorText(page, edited);
    await page.waitForFunction(
      () => document.querySelector('svg#graph [data-from="default/wordpress"][data-to="service:default/mysql"]')?.getAttribute('data-verdict') === 'blocked',
      null,
      { timeout: TIMEOUT },
    );
    await waitReady(page);
    assert.deepEqual(await nodePositions(page), before, 'a policy edit moved nodes');
    const withoutPolicy = text.slice(0, text.lastIndexOf('\n---'));
    assert.ok(!withoutPolicy.includes('kind: NetworkPolicy'));
    await setEditorText(page, withoutPolicy);
    await page.waitForFunction(() => !document.querySelector('#policies li[data-policy]'), null, { timeout: TIMEOUT });
    await waitReady(page);
    await page.waitForTimeout(200);
    assert.deepEqual(await nodePositions(page), before, 'removing the policy moved nodes');
    await shot(page, TAG, `wordpress-${width}x${height}-no-policy`);
  });
}
