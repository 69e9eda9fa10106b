// Lessons in the page: the list, the panel, goals that flip as the text changes, hints, the
// solution (confirmation, diff, apply, restore), progress across a reload, lesson links and
// lesson files, and screenshots of the panel at 1280×720 and 1400×900 in both themes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useApp, editorText, setEditorText, shot, appendDocs, DENY_INGRESS_ONLY, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'lessons';
const app = useApp(TAG);

const ALLOW_CENTOS_IN = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-healthchecker
  namespace: default
spec:
  podSelector:
    matchLabels:
      component: httpd_webserver
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: healthchecker
    ports:
    - port: 80
`;

/** `data-met` of every goal, in order, once the panel is checked against the current text. */
async function goals(page) {
  await page.waitForSelector('#lesson[data-state="ready"]', { timeout: TIMEOUT });
  return page.$$eval('#goals li[data-goal]', (els) => els.map((e) => e.getAttribute('data-met')));
}

async function waitGoals(page, want) {
  await page.waitForFunction(
    (want) => {
      const panel = document.querySelector('#lesson');
      if (!panel || panel.getAttribute('data-state') !== 'ready') return false;
      const got = [...document.querySelectorAll('#goals li[data-goal]')].map((e) => e.getAttribute('data-met'));
      return JSON.stringify(got) === JSON.stringify(want);
    },
    want,
    { timeout: TIMEOUT },
  );
}

async function step(page) {
  return page.$eval('#lesson-step', (e) => [Number(e.getAttribute('data-step')), Number(e.getAttribute('data-steps'))]);
}

async function openFromList(page, id) {
  await page.click('#lessons-toggle');
  await page.waitForSelector('#lessons', { timeout: TIMEOUT });
  await page.click(`#lessons li[data-lesson-id="${id}"] button`);
  await page.waitForSelector(`#lesson[data-lesson-id="${id}"]`, { timeout: TIMEOUT });
}

/** No two of these elements' boxes overlap, none is cut off, and all text is at least 14 px. */
async function assertReadable(page) {
  const r = await page.evaluate(() => {
    const panel = document.querySelector('#lesson, #lessons');
    const box = panel.getBoundingClientRect();
    const small = [];
    for (const el of panel.querySelectorAll('*')) {
      const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!hasText) continue;
      const s = getComputedStyle(el);
      if (s.display === 'none' || s.visibility === 'hidden' || el.closest('.sr-only')) continue;
      if (parseFloat(s.fontSize) < 13) small.push(`${el.tagName}.${el.className}: ${s.fontSize}`);
    }
    // Controls as seen: clipped by the scrolling part of the panel they sit in.
    const controls = [...panel.querySelectorAll('button, #lesson-step')]
      .map((e) => {
        const r = e.getBoundingClientRect();
        const clip = e.closest('.lesson-body, .lessons')?.getBoundingClientRect() ?? box;
        const top = Math.max(r.top, clip.top);
        const bottom = Math.min(r.bottom, clip.bottom);
        return { id: e.id || e.textContent.trim().slice(0, 20), r: { left: r.left, right: r.right, top, bottom, width: bottom > top ? r.width : 0 } };
      });
    const overlaps = [];
    for (let i = 0; i < controls.length; i++) {
      for (let j = i + 1; j < controls.length; j++) {
        const a = controls[i].r;
        const b = controls[j].r;
        if (a.width && b.width && a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
          overlaps.push(`${controls[i].id} / ${controls[j].id}`);
        }
      }
    }
    const outside = controls
      .filter((c) => c.r.width && (c.r.left < box.left - 1 || c.r.right > box.right + 1))
      .map((c) => c.id);
    const page = { h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth };
    const body = [...panel.querySelectorAll('p, li, h2, h3')].filter((e) => e.scrollWidth > e.clientWidth + 2).map((e) => e.textContent.slice(0, 30));
    return { small, overlaps, outside, body, page };
  });
  // Code (monospace) may be 13 px; everything else at least 14 px.
  assert.deepEqual(r.small.filter((s) => !/^(PRE|CODE|DEL|INS|SPAN\.(same|folded))/.test(s)), [], 'text under 14 px');
  assert.deepEqual(r.overlaps, [], 'overlapping controls');
  assert.deepEqual(r.outside, [], 'controls outside the panel');
  assert.deepEqual(r.body, [], 'text overflowing its box');
  const vp = page.viewportSize();
  assert.ok(r.page.h <= vp.height && r.page.w <= vp.width, `the page scrolls: ${JSON.stringify(r.page)} in ${JSON.stringify(vp)}`);
}

test('lesson 1, the classic demo, walked to completion; reload keeps the step and the text', async () => {
  const page = await app.newPage();
  await page.goto(app.baseUrl, { waitUntil: 'load' });
  await page.waitForSelector('#editor', { state: 'attached', timeout: TIMEOUT });

  // The list: every built-in lesson, grouped by level, with progress marks.
  await page.click('#lessons-toggle');
  const items = await page.$$eval('#lessons li[data-lesson-id]', (els) =>
    els.map((e) => [e.getAttribute('data-lesson-id'), e.getAttribute('data-progress'), e.closest('section').getAttribute('aria-label')]),
  );
  assert.ok(items.length >= 12, `${items.length} lessons listed`);
  assert.deepEqual(items[0], ['classic-demo', 'new', 'level intro']);
  assert.ok(items.some(([id, , lv]) => id === 'cka-port-from-namespace' && lv === 'level cka'));
  await assertReadable(page);
  await shot(page, TAG, '0-list');
  await page.click('#lessons li[data-lesson-id="classic-demo"] button');

  // Step 1: a reading step; its start is in the editor; Next is open.
  await page.waitForSelector('#lesson[data-lesson-id="classic-demo"]', { timeout: TIMEOUT });
  assert.deepEqual(await step(page), [1, 3]);
  assert.match(await editorText(page), /svc-clusterip-httpd/);
  assert.equal(await page.$eval('#lesson', (e) => e.getAttribute('data-complete')), 'true');
  // The step's Markdown is elements: `code` spans and a list, no raw HTML.
  assert.ok((await page.$$('#lesson-text code')).length > 0);
  assert.ok((await page.$$('#lesson-text ul li')).length > 0);
  await page.click('#lesson-next');

  // Step 2: goals unmet on the start, Next closed.
  await page.waitForFunction(() => document.querySelector('#lesson-step')?.getAttribute('data-step') === '2');
  const start2 = await editorText(page);
  const before = await goals(page);
  assert.equal(before.length, 3);
  assert.ok(before.includes('false'), `some goal unmet at the start: ${before}`);
  assert.equal(await page.$eval('#lesson', (e) => e.getAttribute('data-complete')), 'false');
  assert.equal(await page.$eval('#lesson-next', (e) => e.disabled), true);
  // Status in words, not colour only.
  assert.match(await page.$eval('#goals li[data-met="false"]', (e) => e.textContent), /not met/);
  assert.match(await page.$eval('#goals-summary', (e) => e.getAttribute('aria-live') ?? ''), /polite/);

  // A hint, then the deny policy: every goal flips to met.
  await page.click('#lesson-hint');
  assert.equal((await page.$$('#lesson-hints li')).length, 1);
  await setEditorText(page, appendDocs(start2, DENY_INGRESS_ONLY));
  await waitGoals(page, ['true', 'true', 'true']);
  assert.equal(await page.$eval('#lesson', (e) => e.getAttribute('data-complete')), 'true');
  assert.match(await page.$eval('#goals-summary', (e) => e.textContent), /3 of 3 goals met/);
  // The live region names which goals are met (for screen readers), so that one goal met while
  // another comes undone — the same count — is announced too.
  assert.match(await page.$eval('#goals-summary .sr-only', (e) => e.textContent), /met: goal 1, 2, 3/);
  const metAtStart = before.map((m, i) => (m === 'true' ? String(i + 1) : null)).filter(Boolean);
  await setEditorText(page, start2);
  await page.waitForFunction((want) => {
    const t = document.querySelector('#goals-summary .sr-only')?.textContent ?? '';
    return want.length === 0 ? /none met yet/.test(t) : t.includes(`met: goal ${want.join(', ')})`);
  }, metAtStart, { timeout: TIMEOUT });
  await setEditorText(page, appendDocs(start2, DENY_INGRESS_ONLY));
  await waitGoals(page, ['true', 'true', 'true']);
  // Clicking a goal says why and selects its flow in the graph.
  await page.click('#goals li[data-goal="1"] button');
  await page.waitForSelector('#goal-why', { timeout: TIMEOUT });
  assert.match(await page.$eval('#goal-why', (e) => e.textContent), /deny-by-default/);
  await page.waitForFunction(() => /pod-centos/.test(document.querySelector('#explanation')?.textContent ?? ''), null, { timeout: TIMEOUT });
  // Hints stay visible after solving.
  assert.equal((await page.$$('#lesson-hints li')).length, 1);
  await shot(page, TAG, '1-step2-solved');
  await page.click('#lesson-next');

  // Step 3 starts from the learner's step-2 text (no `start`); its goals are unmet.
  await page.waitForFunction(() => document.querySelector('#lesson-step')?.getAttribute('data-step') === '3');
  const start3 = await editorText(page);
  assert.match(start3, /deny-by-default/);
  assert.deepEqual(await goals(page), ['false', 'true']);

  // Reload: the same lesson, step and text.
  const marked = start3 + '# my own comment\n';
  await setEditorText(page, marked);
  await waitGoals(page, ['false', 'true']);
  await page.waitForFunction(
    (m) => (localStorage.getItem('netpol-playground.lessons') ?? '').includes('my own comment'),
    null,
    { timeout: TIMEOUT },
  );
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('#lesson[data-lesson-id="classic-demo"]', { timeout: TIMEOUT });
  assert.deepEqual(await step(page), [3, 3]);
  assert.equal(await editorText(page), marked);
  assert.equal((await page.$$('#lesson-hints li')).length, 0, 'no hint of step 3 was revealed');

  // A too-open allow leaves least privilege unmet; the narrow one meets it.
  const open = ALLOW_CENTOS_IN.replace(/  - from:\n    - podSelector:\n        matchLabels:\n          app: healthchecker\n/, '  - from:\n    - podSelector: {}\n');
  await setEditorText(page, appendDocs(marked, open));
  await waitGoals(page, ['true', 'false']);
  await page.click('#goals li[data-goal="2"] button');
  await page.waitForFunction(() => /allowed/.test(document.querySelector('#goal-why')?.textContent ?? ''));
  await setEditorText(page, appendDocs(marked, ALLOW_CENTOS_IN));
  await waitGoals(page, ['true', 'true']);
  await page.click('#lesson-next');
  await page.waitForSelector('#lesson[data-lesson-complete="true"]', { timeout: TIMEOUT });

  // The list marks the lesson done.
  await page.click('#lessons-toggle');
  assert.equal(await page.$eval('#lessons li[data-lesson-id="classic-demo"]', (e) => e.getAttribute('data-progress')), 'done');
});

test('a CKA lesson from a link: solution behind a confirmation, as a diff, applied and undone; Prev keeps the text', async () => {
  const page = await app.newPage();
  await page.goto(app.baseUrl + '#lesson=cka-port-from-namespace&step=2', { waitUntil: 'load' });
  await page.waitForSelector('#lesson[data-lesson-id="cka-port-from-namespace"]', { timeout: TIMEOUT });
  assert.deepEqual(await step(page), [2, 2]);
  const start = await editorText(page);
  assert.match(start, /namespace: fubar/);
  const g0 = await goals(page);
  assert.equal(g0.length, 4);
  assert.ok(g0.includes('false'));

  // Editing one's own way: the policy without ports opens port 80 too.
  const mine = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-internal
  namespace: fubar
spec:
  podSelector:
    matchLabels:
      app: app
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: internal
`;
  await setEditorText(page, appendDocs(start, mine));
  await waitGoals(page, ['true', 'true', 'false', 'false']);

  // The solution: asked, confirmed, shown as a diff against the learner's text.
  await page.click('#lesson-solution');
  await page.waitForSelector('#lesson-solution-confirm-box', { timeout: TIMEOUT });
  assert.equal(await page.$('#lesson-diff'), null, 'nothing shown before confirming');
  await page.click('#lesson-solution-confirm');
  await page.waitForSelector('#lesson-diff', { timeout: TIMEOUT });
  assert.ok((await page.$$('#lesson-diff ins')).length > 0);
  assert.ok((await page.$$('#lesson-diff del')).length > 0, 'the learner’s own lines show as removed');
  await assertReadable(page);
  await shot(page, TAG, '2-cka-diff');
  const learner = await editorText(page);
  await page.click('#lesson-apply-solution');
  await waitGoals(page, ['true', 'true', 'true', 'true']);
  assert.equal(await page.$eval('#lesson', (e) => e.getAttribute('data-complete')), 'true');
  // The learner's text is recoverable.
  await page.click('#lesson-undo-solution');
  await page.waitForFunction((t) => document.querySelector('#editor').value === t, learner, { timeout: TIMEOUT });
  await waitGoals(page, ['true', 'true', 'false', 'false']);

  // Reset restores the step's start.
  await page.click('#lesson-reset');
  await page.waitForFunction((t) => document.querySelector('#editor').value === t, start, { timeout: TIMEOUT });

  // Prev and back: each step keeps the learner's text.
  await setEditorText(page, appendDocs(start, mine));
  await waitGoals(page, ['true', 'true', 'false', 'false']);
  await page.click('#lesson-prev');
  await page.waitForFunction(() => document.querySelector('#lesson-step')?.getAttribute('data-step') === '1');
  await page.click('#lesson-next');
  await page.waitForFunction(() => document.querySelector('#lesson-step')?.getAttribute('data-step') === '2');
  assert.equal(await editorText(page), appendDocs(start, mine));
});

test('a lesson file opened with Open… and shared as a link shows the banner; progress exports and imports', async () => {
  const lessonText = `lesson: netpol-playground/v1
id: my-own
version: 3
title: My own lesson
level: workshop
summary: One pod, one deny.
steps:
  - title: Close the door
    text: |
      Deny all ingress to **web**. <b>not bold</b>
    start: |
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: default, labels: {app: web}}
      spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: client, namespace: default}
      spec: {containers: [{name: c, image: x}]}
    goals:
      - {from: default/client, to: default/web, port: 80, allowed: false}
    hints: ["An empty podSelector selects every pod."]
    solution: |
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: default, labels: {app: web}}
      spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: client, namespace: default}
      spec: {containers: [{name: c, image: x}]}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: deny, namespace: default}
      spec: {podSelector: {}}
`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lesson-'));
  const file = path.join(dir, 'my-own.yaml');
  fs.writeFileSync(file, lessonText);
  const page = await app.newPage({ clipboard: true });
  await page.goto(app.baseUrl, { waitUntil: 'load' });
  await page.waitForSelector('#editor', { state: 'attached', timeout: TIMEOUT });
  await page.setInputFiles('#open-file', file);
  await page.waitForSelector('#lesson[data-lesson-id="my-own"]', { timeout: TIMEOUT });
  assert.equal(await page.$('#lesson-from-link'), null);
  assert.match(await editorText(page), /name: web/);
  // Raw HTML in the lesson text stays text.
  assert.match(await page.$eval('#lesson-text', (e) => e.textContent), /<b>not bold<\/b>/);
  assert.equal(await page.$('#lesson-text b'), null);
  assert.deepEqual(await goals(page), ['false']);

  // Share it: the link opens it in a fresh profile, with the banner.
  await page.click('#lesson-share');
  const url = await page.waitForFunction(() => document.querySelector('#share-url')?.value, null, { timeout: TIMEOUT }).then((h) => h.jsonValue());
  assert.match(url, /#lesson-v1=/);
  const other = await app.newPage();
  await other.goto(url, { waitUntil: 'load' });
  await other.waitForSelector('#lesson[data-lesson-id="my-own"] #lesson-from-link', { timeout: TIMEOUT });
  assert.deepEqual(await goals(other), ['false']);

  // Progress export, reset all, import back.
  await page.click('#lesson-hint');
  await page.click('#lessons-toggle');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#lessons-export')]);
  const exported = path.join(dir, 'progress.json');
  await download.saveAs(exported);
  const json = JSON.parse(fs.readFileSync(exported, 'utf8'));
  assert.equal(json.format, 'netpol-playground-progress/v1');
  assert.deepEqual(json.lessons['my-own@3'].hints, { 0: 1 });
  await page.click('#lessons-reset-all');
  await page.click('#lessons-reset-all');
  await page.waitForFunction(() => !(localStorage.getItem('netpol-playground.lessons') ?? '').includes('"hints": {\n        "0"'));
  await page.setInputFiles('#lessons-import', exported);
  await page.waitForFunction(() => (localStorage.getItem('netpol-playground.lessons') ?? '').includes('"0": 1'), null, { timeout: TIMEOUT });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('screenshots of the lesson panel: 1280×720 and 1400×900, light and dark', async () => {
  for (const [w, h] of [
    [1280, 720],
    [1400, 900],
  ]) {
    for (const scheme of ['light', 'dark']) {
      const page = await app.newPage({ viewport: { width: w, height: h }, colorScheme: scheme });
      await page.goto(app.baseUrl + '#lesson=classic-demo&step=2', { waitUntil: 'load' });
      await page.waitForSelector('#lesson[data-lesson-id="classic-demo"]', { timeout: TIMEOUT });
      await goals(page);
      await page.click('#lesson-hint');
      await page.click('#goals li[data-goal="1"] button');
      await page.waitForSelector('#goal-why', { timeout: TIMEOUT });
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no horizontal scroll');
      await assertReadable(page);
      await shot(page, TAG, `3-panel-${w}x${h}-${scheme}`);
      await page.context().close();
    }
  }
});

test('axe-core finds no WCAG 2 A/AA violation in the lessons list and the lesson panel (light and dark)', async () => {
  const axePath = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'node_modules', 'axe-core', 'axe.min.js');
  assert.ok(fs.existsSync(axePath), 'e2e/node_modules/axe-core is missing: run `npm ci` in e2e/');
  const axe = fs.readFileSync(axePath, 'utf8');
  const run = (page, selector) =>
    page.evaluate(
      async (sel) => {
        const r = await window.axe.run(sel, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        // axe really looked: colour contrast and button names were checked on this part.
        const checked = r.passes.map((p) => p.id);
        if (!checked.includes('color-contrast') || !checked.includes('button-name')) return [`axe did not check: ${checked}`];
        return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      },
      selector,
    );
  for (const scheme of ['light', 'dark']) {
    const page = await app.newPage({ colorScheme: scheme });
    await page.goto(app.baseUrl + '#lesson=classic-demo&step=2', { waitUntil: 'load' });
    await page.waitForSelector('#lesson[data-lesson-id="classic-demo"]', { timeout: TIMEOUT });
    await goals(page);
    await page.click('#lesson-hint');
    await page.click('#goals li[data-goal="1"] button');
    await page.click('#lesson-solution');
    await page.click('#lesson-solution-confirm');
    await page.waitForSelector('#lesson-diff', { timeout: TIMEOUT });
    await page.addScriptTag({ content: axe });
    assert.deepEqual(await run(page, '#lesson'), [], `lesson panel (${scheme})`);
    await page.click('#lessons-toggle');
    await page.waitForSelector('#lessons', { timeout: TIMEOUT });
    assert.deepEqual(await run(page, '#lessons'), [], `lessons list (${scheme})`);
    await page.context().close();
  }
});
