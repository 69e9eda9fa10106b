// Completion codes → the class board: a finished lesson shows its code (NP1-…), the nickname is
// kept across a reload, the QR code is drawn; board.html reads pasted codes into learners ×
// lessons, flags a mistyped one (kept, with why), exports CSV; axe-core clean in both themes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useApp, shot, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'board';
const app = useApp(TAG);

/** Progress with every step of the classic demo done (one hint used), as the page saves it. */
const DONE = JSON.stringify({
  format: 'netpol-playground-progress/v1',
  lessons: { 'classic-demo@1': { step: 2, done: [0, 1, 2], hints: { 1: 1 }, solution_shown: [], texts: {} } },
  current: 'classic-demo@1',
});

async function finishedLesson(page) {
  await page.goto(app.baseUrl, { waitUntil: 'load' });
  // After the app booted (it saves its progress at start), so that ours stays.
  await page.waitForSelector('#editor', { timeout: TIMEOUT });
  await page.evaluate((p) => localStorage.setItem('netpol-playground.lessons', p), DONE);
  await page.goto(app.baseUrl + '#lesson=classic-demo&step=3', { waitUntil: 'load' });
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('#lesson[data-lesson-complete="true"] #completion-code', { timeout: TIMEOUT });
}

async function codeFor(page, nickname) {
  await page.fill('#completion-nickname', nickname);
  await page.waitForFunction(
    () => document.querySelector('#completion-code')?.textContent.startsWith('NP1-'),
    null,
    { timeout: TIMEOUT },
  );
  return (await page.textContent('#completion-code')).trim();
}

async function axeRun(page, selector) {
  const axePath = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'node_modules', 'axe-core', 'axe.min.js');
  await page.addScriptTag({ content: fs.readFileSync(axePath, 'utf8') });
  return page.evaluate(async (sel) => {
    const r = await window.axe.run(sel, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    const checked = r.passes.map((p) => p.id);
    if (!checked.includes('color-contrast')) return [`axe did not check contrast: ${checked}`];
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, selector);
}

/** One character of the code changed (after `NP1-`), to another of the alphabet. */
function mistype(code) {
  const i = 6;
  return code.slice(0, i) + (code[i] === '7' ? '8' : '7') + code.slice(i + 1);
}

let codes = [];

test('a finished lesson shows its completion code, QR code and nickname (kept across a reload)', async () => {
  const page = await app.newPage({ viewport: { width: 1280, height: 720 }, clipboard: true });
  await finishedLesson(page);
  const none = (await page.textContent('#completion-code')).trim();
  assert.match(none, /^NP1-[0-9A-HJKMNP-TV-Z]{1,5}(-[0-9A-HJKMNP-TV-Z]{1,5})+$/);
  assert.match(await page.textContent('#completion'), /not proof against cheating/);
  assert.match(await page.textContent('#completion'), /3 of 3 steps, 1 hint/);
  const ada = await codeFor(page, 'ada');
  assert.notEqual(ada, none, 'the nickname is part of the code');
  // The QR code: a square of modules drawn as SVG rects.
  const qr = await page.$eval('#completion-qr', (s) => ({ modules: Number(s.getAttribute('data-modules')), rects: s.querySelectorAll('g rect').length }));
  assert.ok(qr.modules >= 21 && (qr.modules - 17) % 4 === 0, `QR width ${qr.modules}`);
  assert.ok(qr.rects > 30, `QR rects ${qr.rects}`);
  await page.click('#copy-completion-code');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), ada);
  await shot(page, TAG, 'completion-1280x720');
  // The lesson again (its link: the step's text was never edited, so a bare reload would not
  // resume it), in a reloaded page.
  await page.goto(app.baseUrl + '#lesson=classic-demo&step=3', { waitUntil: 'load' });
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('#completion-code', { timeout: TIMEOUT });
  assert.equal(await page.inputValue('#completion-nickname'), 'ada', 'the nickname is kept');
  assert.equal((await page.textContent('#completion-code')).trim(), ada, 'same code after a reload');
  const bob = await codeFor(page, 'bob');
  codes = [ada, bob];
});

test('board.html: learners × lessons from pasted codes, a mistyped code flagged, CSV export', async () => {
  assert.equal(codes.length, 2, 'the previous test made the codes');
  const [ada, bob] = codes;
  const typo = mistype(bob);
  const page = await app.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(app.baseUrl + 'board.html', { waitUntil: 'load' });
  await page.waitForSelector('textarea#codes', { timeout: TIMEOUT });
  assert.equal(await page.$('#editor'), null, 'the board is not the playground');
  await page.fill('#codes', `${ada}\n\n${typo}\n${bob.toLowerCase()}\n`);
  await page.waitForFunction(() => document.querySelectorAll('#board [data-valid]').length === 3, null, { timeout: TIMEOUT });
  const cells = await page.$$eval('#board [data-valid]', (els) =>
    els.map((e) => ({ valid: e.getAttribute('data-valid'), learner: e.getAttribute('data-learner'), lesson: e.getAttribute('data-lesson'), line: e.getAttribute('data-line'), text: e.textContent })),
  );
  const good = cells.filter((c) => c.valid === 'true');
  assert.deepEqual(good.map((c) => [c.learner, c.lesson]).sort(), [['ada', 'classic-demo'], ['bob', 'classic-demo']]);
  const bad = cells.filter((c) => c.valid === 'false');
  assert.equal(bad.length, 1);
  assert.equal(bad[0].line, '3');
  assert.ok(bad[0].text.includes(typo), 'the mistyped code is shown as pasted');
  assert.match(bad[0].text, /does not check out/);
  // The grid: one row per learner, one column per lesson.
  const grid = await page.$$eval('#board table tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
  assert.equal(grid.length, 2);
  assert.equal(grid[0][0], 'ada');
  assert.match(grid[0][1], /3\/3 steps, 1 hint/);
  await shot(page, TAG, 'board-1280x720');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.equal(csv.length, 4, csv.join('\n'));
  assert.match(csv[0], /^line,learner,lesson,/);
  assert.match(csv[1], /^1,ada,classic-demo,1,3,3,1,false,true,NP1-/);
  assert.match(csv[2], /^3,,,,,,,,false,/);
  // A reload keeps the pasted codes (localStorage), nothing was sent anywhere (after hook).
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelectorAll('#board [data-valid]').length === 3, null, { timeout: TIMEOUT });
});

test('the board and the completion box: axe-core clean, screenshots at 1280×720 and 1400×900, light and dark', async () => {
  assert.equal(codes.length, 2);
  for (const scheme of ['light', 'dark']) {
    for (const viewport of [{ width: 1280, height: 720 }, { width: 1400, height: 900 }]) {
      const page = await app.newPage({ colorScheme: scheme, viewport });
      await page.goto(app.baseUrl + 'board.html', { waitUntil: 'load' });
      await page.fill('#codes', `${codes[0]}\n${mistype(codes[1])}\n${codes[1]}`);
      await page.waitForSelector('#board [data-valid="false"]', { timeout: TIMEOUT });
      const size = `${viewport.width}x${viewport.height}`;
      await shot(page, TAG, `board-${scheme}-${size}`);
      assert.deepEqual(await axeRun(page, 'body'), [], `board (${scheme}, ${size})`);
      await finishedLesson(page);
      await page.locator('#completion').scrollIntoViewIfNeeded();
      await shot(page, TAG, `completion-${scheme}-${size}`);
      assert.deepEqual(await axeRun(page, '#completion'), [], `completion box (${scheme}, ${size})`);
      await page.context().close();
    }
  }
});
