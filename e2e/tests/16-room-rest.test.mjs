// The last items of "the page in a room": the editor pane and the side pane resize (drag,
// arrow keys) and collapse, sizes kept across a reload, nothing overlapping at 1280×720;
// the matrix of a 30-workload scenario reads at 1280×720 (headers stay in view while the
// table scrolls inside its pane, the page itself never scrolls); the two arrowheads of a
// two-way pair are drawn clear of the node circles and of each other.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, setEditorText, readFixture, shot, waitReady, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'room-rest';
const app = useApp(TAG);

const rects = (page) => page.evaluate(() => {
  const r = (sel) => {
    const e = document.querySelector(sel);
    if (!e) return null;
    const b = e.getBoundingClientRect();
    return { sel, left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width };
  };
  return ['.editor-pane', '.splitter[data-pane="editor"]', '.graph-pane', '.splitter[data-pane="side"]', '.side-pane'].map(r);
});

const noScroll = (page) => page.evaluate(() => {
  const d = document.documentElement;
  return { ok: d.scrollWidth <= d.clientWidth && d.scrollHeight <= d.clientHeight, w: d.scrollWidth, cw: d.clientWidth, h: d.scrollHeight, ch: d.clientHeight };
});

// Panes side by side, left to right, none overlapping another, all inside the window.
function assertLaidOut(rs, width, what) {
  for (const r of rs) assert.ok(r, `${what}: every pane and splitter is there`);
  for (let i = 1; i < rs.length; i++) {
    assert.ok(rs[i].left >= rs[i - 1].right - 0.5, `${what}: ${rs[i].sel} starts after ${rs[i - 1].sel} ends (${JSON.stringify([rs[i - 1], rs[i]])})`);
  }
  assert.ok(rs[rs.length - 1].right <= width + 0.5, `${what}: inside the window`);
}

const valueNow = async (page, id) => Number(await page.getAttribute(id, 'aria-valuenow'));

test('the editor and side panes resize by keyboard and drag, collapse, and keep their sizes', async () => {
  const page = await app.newPage({ viewport: { width: 1280, height: 720 } });
  await openApp(page, app.baseUrl);
  await waitReady(page);
  for (const id of ['#split-editor', '#split-side']) {
    assert.equal(await page.getAttribute(id, 'role'), 'separator');
    assert.equal(await page.getAttribute(id, 'tabindex'), '0', `${id} is in the tab order`);
    assert.ok(Number.isFinite(await valueNow(page, id)), `${id} has a numeric aria-valuenow`);
  }
  assertLaidOut(await rects(page), 1280, 'initially');

  // Keyboard: two steps right widen the editor by 32 px.
  const e0 = await valueNow(page, '#split-editor');
  const w0 = (await rects(page))[0].width;
  await page.focus('#split-editor');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await valueNow(page, '#split-editor'), e0 + 32);
  await page.waitForFunction((w) => document.querySelector('.editor-pane').getBoundingClientRect().width >= w + 31, w0, { timeout: TIMEOUT });

  // Keyboard on the side splitter: moving it left widens the side pane.
  const s0 = await valueNow(page, '#split-side');
  await page.focus('#split-side');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await valueNow(page, '#split-side'), s0 + 16);

  // Drag: the editor's splitter 60 px to the left.
  const h = await page.locator('#split-editor').boundingBox();
  const x = h.x + h.width / 2, y = h.y + h.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x - 30, y, { steps: 3 });
  await page.mouse.move(x - 60, y, { steps: 3 });
  await page.mouse.up();
  const dragged = await valueNow(page, '#split-editor');
  assert.ok(Math.abs(dragged - (e0 + 32 - 60)) <= 2, `the drag narrows the editor by 60 px (${e0 + 32} → ${dragged})`);
  assertLaidOut(await rects(page), 1280, 'after resizing');
  assert.ok((await noScroll(page)).ok, 'no page scrollbars after resizing');
  await shot(page, TAG, '1-resized-1280x720');

  // Collapse both: the graph takes the room, nothing overlaps, the editor is out of the tab order.
  const g0 = (await rects(page))[2].width;
  await page.click('#collapse-editor');
  await page.click('#collapse-side');
  assert.equal(await page.getAttribute('#collapse-editor', 'aria-expanded'), 'false');
  assert.equal(await page.getAttribute('#collapse-side', 'aria-expanded'), 'false');
  await page.waitForFunction(() => document.querySelector('.editor-pane').getBoundingClientRect().width < 1, null, { timeout: TIMEOUT });
  const collapsed = await rects(page);
  assert.ok(collapsed[0].width < 1 && collapsed[4].width < 1, `both panes collapsed (${JSON.stringify(collapsed)})`);
  assert.ok(collapsed[2].width > g0 + 400, `the graph pane grows (${g0} → ${collapsed[2].width})`);
  assertLaidOut(collapsed, 1280, 'collapsed');
  assert.equal(await page.$eval('#editor', (e) => getComputedStyle(e).visibility), 'hidden', 'a collapsed editor is hidden, not just squeezed');
  assert.ok((await noScroll(page)).ok, 'no page scrollbars when collapsed');
  await waitReady(page);
  await shot(page, TAG, '2-collapsed-1280x720');

  // Kept across a reload.
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('#split-editor', { timeout: TIMEOUT });
  assert.equal(await page.getAttribute('#collapse-editor', 'aria-expanded'), 'false', 'still collapsed after a reload');
  assert.equal(await page.getAttribute('#collapse-side', 'aria-expanded'), 'false');
  // Enter on the separator restores the pane at its width.
  await page.focus('#split-editor');
  await page.keyboard.press('Enter');
  await page.click('#collapse-side');
  await page.waitForFunction(() => document.querySelector('.editor-pane').getBoundingClientRect().width > 100, null, { timeout: TIMEOUT });
  assert.equal(await valueNow(page, '#split-editor'), dragged, 'the editor comes back at the width it had');
  assert.equal(await valueNow(page, '#split-side'), s0 + 16);
  const back = await rects(page);
  assert.ok(Math.abs(back[0].width - dragged) <= 1, `the editor pane is ${dragged} px wide (${back[0].width})`);
  assertLaidOut(back, 1280, 'expanded again');
  assert.ok((await noScroll(page)).ok, 'no page scrollbars when expanded');
  await waitReady(page);
  await shot(page, TAG, '3-expanded-1280x720');
});

for (const [w, h] of [[1280, 720], [1400, 900]]) {
  for (const theme of ['light', 'dark']) {
    test(`${w}×${h} ${theme}: splitters and collapse buttons drawn, panes laid out`, async () => {
      const page = await app.newPage({ viewport: { width: w, height: h }, colorScheme: theme });
      await openApp(page, app.baseUrl);
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await waitReady(page);
      assertLaidOut(await rects(page), w, `${w}×${h}`);
      const px = await page.$$eval('.splitter .collapse', (bs) => bs.map((b) => parseFloat(getComputedStyle(b).fontSize)));
      assert.ok(px.length === 2 && px.every((p) => p >= 14), `collapse buttons readable (${px})`);
      await shot(page, TAG, `4-${w}x${h}-${theme}`);
    });
  }
}

test('the matrix of 30 workloads reads at 1280×720: headers stay in view, the page never scrolls', async () => {
  const page = await app.newPage({ viewport: { width: 1280, height: 720 } });
  await openApp(page, app.baseUrl);
  await setEditorText(page, readFixture('gen-p30-m6-s2.yaml'));
  await waitReady(page);
  await page.locator('#view-matrix').click();
  await page.locator('#matrix td[data-verdict]').first().waitFor({ timeout: TIMEOUT });
  const n = await page.$$eval('#matrix tbody tr', (rs) => rs.length);
  assert.equal(n, 30, 'one row per workload (30 bare pods, CoreDNS included)');
  assert.equal(await page.$$eval('#matrix thead th.col', (c) => c.length), 30, '30 column headers');
  assert.ok((await noScroll(page)).ok, `the page does not scroll (${JSON.stringify(await noScroll(page))})`);
  await shot(page, TAG, '5-matrix-30-top');

  // Scrolled to the far corner inside its pane: the column headers, the corner and the row
  // names stay in view, each on top (not covered by a scrolled cell or row name).
  const seen = await page.evaluate(() => {
    const sc = document.querySelector('.matrix-scroll');
    sc.scrollTop = sc.scrollHeight;
    sc.scrollLeft = sc.scrollWidth;
    const box = sc.getBoundingClientRect();
    const onTop = (e) => {
      const b = e.getBoundingClientRect();
      const x = Math.min(b.right, box.right) - 4, y = (b.top + b.bottom) / 2;
      const hit = document.elementFromPoint(x, y);
      return !!hit && (hit === e || e.contains(hit));
    };
    const cols = [...document.querySelectorAll('#matrix thead th.col')];
    const last = cols[cols.length - 1];
    const rows = [...document.querySelectorAll('#matrix tbody th')];
    const lastRow = rows[rows.length - 1];
    const lastCell = [...document.querySelectorAll('#matrix tbody tr:last-child td')].pop();
    const inside = (e) => { const b = e.getBoundingClientRect(); return b.left >= box.left - 1 && b.right <= box.right + 1 && b.top >= box.top - 1 && b.bottom <= box.bottom + 1; };
    return {
      scrolled: sc.scrollTop > 0,
      lastHeader: inside(last) && onTop(last),
      corner: onTop(document.querySelector('#matrix thead th.corner')),
      lastRow: onTop(lastRow),
      lastCell: inside(lastCell),
    };
  });
  assert.ok(seen.scrolled, 'the table scrolls inside its pane');
  assert.ok(seen.lastHeader, 'the last column header is visible at the top, over the cells');
  assert.ok(seen.corner, 'the corner header stays on top');
  assert.ok(seen.lastRow, 'the last row name stays visible on the left, under no cell');
  assert.ok(seen.lastCell, 'the last cell is reachable in the pane');
  assert.ok((await noScroll(page)).ok, 'the page still does not scroll');
  await shot(page, TAG, '6-matrix-30-corner');
});

const TWO_WAY = `apiVersion: v1
kind: Pod
metadata: { name: alpha, namespace: default, labels: { app: alpha } }
spec:
  containers:
  - name: web
    image: nginx
    ports: [{ containerPort: 80 }]
---
apiVersion: v1
kind: Pod
metadata: { name: beta, namespace: default, labels: { app: beta } }
spec:
  containers:
  - name: web
    image: nginx
    ports: [{ containerPort: 80 }]
`;

test('both arrowheads of a two-way pair are visible: clear of the node circles and of each other', async () => {
  for (const [w, h] of [[1280, 720], [1400, 900]]) {
    const page = await app.newPage({ viewport: { width: w, height: h } });
    await openApp(page, app.baseUrl);
    await setEditorText(page, TWO_WAY);
    await page.locator('svg#graph [data-from="default/beta"][data-to="default/alpha"]').waitFor({ timeout: TIMEOUT });
    await waitReady(page);
    const geo = await page.evaluate(() => {
      const box = (e) => { const b = e.getBoundingClientRect(); return { l: b.left, r: b.right, t: b.top, b: b.bottom }; };
      const heads = (from, to) => [...document.querySelectorAll(`svg#graph [data-from="${from}"][data-to="${to}"] path.head[data-mark="arrowhead"]`)]
        .map((e) => ({ ...box(e), fill: getComputedStyle(e).fill, display: getComputedStyle(e).display }));
      const circles = [...document.querySelectorAll('svg#graph [data-node] circle.shape')].map((c) => {
        const b = c.getBoundingClientRect();
        return { x: (b.left + b.right) / 2, y: (b.top + b.bottom) / 2, r: b.width / 2 };
      });
      return { ab: heads('default/alpha', 'default/beta'), ba: heads('default/beta', 'default/alpha'), circles };
    });
    assert.equal(geo.ab.length, 1, 'alpha → beta has one arrowhead');
    assert.equal(geo.ba.length, 1, 'beta → alpha has one arrowhead');
    assert.ok(geo.circles.length >= 2, 'both pods drawn as circles');
    const heads = [geo.ab[0], geo.ba[0]];
    for (const hd of heads) {
      assert.notEqual(hd.display, 'none');
      assert.ok(hd.r - hd.l >= 7 && hd.b - hd.t >= 7, `an arrowhead large enough to see (${JSON.stringify(hd)})`);
      assert.notEqual(hd.fill, 'none', 'filled');
      for (const c of geo.circles) {
        // Distance from the circle's centre to the head's box.
        const dx = Math.max(hd.l - c.x, 0, c.x - hd.r), dy = Math.max(hd.t - c.y, 0, c.y - hd.b);
        assert.ok(Math.hypot(dx, dy) > c.r, `the head's box ${JSON.stringify(hd)} is clear of the circle ${JSON.stringify(c)}`);
      }
    }
    const [a, b] = heads;
    const overlap = a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
    assert.ok(!overlap, `the two heads do not overlap (${JSON.stringify(heads)})`);
    await shot(page, TAG, `7-two-way-${w}x${h}`);
  }
});
