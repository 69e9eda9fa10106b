// A 50-workload scenario (gen.py --pods 50 --policies 10 --seed 1, committed as
// e2e/fixtures/gen-p50-m10-s1.yaml) renders readably: every pod drawn, no two node
// labels overlap, labels legible and in view, and the flows limited to the selection.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, setEditorText, nodeNames, flows, clickNode, shot, readFixture, documents, waitReady, overlappingTexts, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'scale';
const app = useApp(TAG);

function podNames(text) {
  return documents(text)
    .filter((d) => /^kind:\s*Pod\s*$/m.test(d))
    .map((d) => {
      const name = /^\s{2}name:\s*(\S+)/m.exec(d)[1];
      const ns = /^\s{2}namespace:\s*(\S+)/m.exec(d)?.[1] ?? 'default';
      return `${ns}/${name}`;
    });
}

/** Screen boxes of every node and of every label (text) inside a node. */
function layoutBoxes(page) {
  return page.evaluate(() => {
    const box = (r) => ({ x: r.left, y: r.top, w: r.width, h: r.height });
    const svg = document.querySelector('svg#graph').getBoundingClientRect();
    const nodes = [];
    const labels = [];
    for (const el of document.querySelectorAll('svg#graph [data-node]')) {
      const name = el.getAttribute('data-node');
      // Only the outermost element carrying this node's name counts as the node.
      if (el.parentElement?.closest(`[data-node="${CSS.escape(name)}"]`)) continue;
      nodes.push({ name, ...box(el.getBoundingClientRect()) });
      for (const t of el.querySelectorAll('text')) {
        const r = t.getBoundingClientRect();
        if (r.width > 0 && r.height > 0 && getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).display !== 'none') {
          labels.push({ node: name, text: t.textContent, ...box(r) });
        }
      }
    }
    return { svg: box(svg), nodes, labels };
  });
}

function overlap(a, b, tol = 0.5) {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > tol && h > tol;
}

describe('50 workloads (gen.py --pods 50 --policies 10 --seed 1)', () => {
  let page;
  let pods;
  before(async () => {
    page = await app.newPage({ viewport: { width: 1600, height: 1000 } });
    await openApp(page, app.baseUrl);
    const text = readFixture('gen-p50-m10-s1.yaml');
    pods = podNames(text);
    assert.equal(pods.length, 50);
    await setEditorText(page, text);
    await page
      .waitForFunction(
        (names) => {
          const have = new Set([...document.querySelectorAll('svg#graph [data-node]')].map((e) => e.getAttribute('data-node')));
          return names.every((n) => have.has(n));
        },
        pods,
        { timeout: TIMEOUT },
      )
      .catch(() => {});
    await waitReady(page);
    await page.waitForTimeout(300); // let any layout transition settle before measuring
  });

  test('every pod has a node', async () => {
    const nodes = await nodeNames(page);
    const missing = pods.filter((p) => !nodes.includes(p));
    assert.deepEqual(missing, [], 'every pod has a node');
    await shot(page, TAG, '1-fifty-workloads');
  });

  test('no two node labels overlap, nor two nodes, nor any two texts', async () => {
    const { nodes: boxes, labels } = await layoutBoxes(page);
    assert.ok(labels.length >= pods.length, `every node has a label (${labels.length} labels)`);
    const clashes = [];
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        if (labels[i].node !== labels[j].node && overlap(labels[i], labels[j])) {
          clashes.push(`${labels[i].node} "${labels[i].text}" / ${labels[j].node} "${labels[j].text}"`);
        }
      }
    }
    assert.deepEqual(clashes.slice(0, 10), [], `no two node labels overlap (${clashes.length} overlapping pairs)`);
    const nodeClashes = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        if (overlap(boxes[i], boxes[j], 1)) nodeClashes.push(`${boxes[i].name} / ${boxes[j].name}`);
      }
    }
    assert.deepEqual(nodeClashes.slice(0, 10), [], `no two nodes overlap (${nodeClashes.length} overlapping pairs)`);
    const texts = await overlappingTexts(page);
    assert.deepEqual(texts.slice(0, 10), [], `no two texts of the graph overlap (${texts.length} pairs)`);
    await shot(page, TAG, '2-labels');
  });

  test('the first view shows every node name, legibly (at least 8 px tall)', async () => {
    const { svg, labels } = await layoutBoxes(page);
    const names = new Map();
    for (const l of labels) if (!names.has(l.node) || names.get(l.node).h < l.h) names.set(l.node, l);
    const outside = [...names.values()]
      .filter((l) => l.x < svg.x - 1 || l.y < svg.y - 1 || l.x + l.w > svg.x + svg.w + 1 || l.y + l.h > svg.y + svg.h + 1)
      .map((l) => l.text);
    const tiny = [...names.values()].filter((l) => l.h < 8).map((l) => `${l.text} (${l.h.toFixed(1)}px)`);
    await shot(page, TAG, '3-legibility');
    assert.deepEqual(outside.slice(0, 10), [], `the first view shows every node name (${outside.length} out of view)`);
    assert.deepEqual(tiny.slice(0, 10), [], `node names are at least 8px tall on screen (${tiny.length} of ${names.size} smaller)`);
  });

  test('flows: not all pairs at once; selecting a node shows its flows only', async () => {
    // Readable traffic: not all 2450 ordered pairs at once; selecting a node shows its flows.
    const drawn = (await flows(page)).filter((f) => f.verdict);
    assert.ok(drawn.length <= 200, `at most 200 flows drawn before any selection (${drawn.length})`);
    const pick = pods.find((p) => p.startsWith('ns-')) ?? pods[0];
    await clickNode(page, pick);
    await page.waitForFunction(
      (n) => [...document.querySelectorAll('svg#graph [data-from][data-verdict]')].some((e) => e.getAttribute('data-from') === n || e.getAttribute('data-to') === n),
      pick,
      { timeout: TIMEOUT },
    );
    const sel = (await flows(page)).filter((f) => f.verdict);
    const foreign = sel.filter((f) => f.from !== pick && f.to !== pick);
    await shot(page, TAG, '4-selected');
    assert.deepEqual(foreign.slice(0, 5), [], `with ${pick} selected, only its flows are drawn (${foreign.length} others)`);
    assert.ok(sel.length >= 2, `the selected node's flows are drawn (${sel.length})`);
  });
});
