// Show what the text says now: a YAML error in one document skips that document only; the
// others are analysed and drawn (the graph is not dimmed), and the skipped document is named
// in the banner and the problems list. Only when nothing parses does the last good graph stay,
// dimmed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, setEditorText, nodeNames, shot, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'partial-parse';
const app = useApp(TAG);

const POD = (name, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: default
  labels: {app: ${name}}${extra}
`;

test('a tab in one of two documents still draws the other; the skipped one is named', async () => {
  const page = await app.newPage();
  await openApp(page, app.baseUrl);
  // A tab for indentation is a YAML error (tabs cannot indent).
  const text = POD('alpha') + '---\n' + POD('beta').replace('  labels:', '\tlabels:');
  await setEditorText(page, text);
  await page.waitForFunction(() => {
    const names = [...document.querySelectorAll('svg#graph [data-node]')].map((e) => e.getAttribute('data-node'));
    return names.includes('default/alpha') && !names.includes('default/pod-centos');
  }, null, { timeout: TIMEOUT });
  assert.notEqual(await page.$eval('svg#graph', (g) => g.getAttribute('data-dimmed')), 'true', 'the graph is live, not dimmed');
  assert.ok(!(await nodeNames(page)).includes('default/beta'));
  const banner = await page.locator('#skipped').textContent();
  assert.match(banner, /document 2 \(lines 8–13, Pod `beta`\)/, banner);
  const problem = await page.locator('#diagnostics li[data-code="yaml-syntax"]').first().textContent();
  assert.match(problem, /skips document 2/, problem);
  await shot(page, TAG, '1-one-skipped');

  // Nothing parses: the last good graph stays, dimmed.
  await setEditorText(page, POD('alpha').replace('  labels:', '\tlabels:'));
  await page.waitForFunction(() => document.querySelector('svg#graph')?.getAttribute('data-dimmed') === 'true', null, { timeout: TIMEOUT });
  assert.ok((await nodeNames(page)).includes('default/alpha'), 'the last good graph is kept');
  assert.match(await page.locator('#skipped').textContent(), /Nothing else parses/);
  await shot(page, TAG, '2-nothing-parses');
});

test('a policy the engine rejects stays in the list, "not applied", with the reason and its line', async () => {
  const page = await app.newPage();
  await openApp(page, app.baseUrl);
  const bad = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: bad-cidr
  namespace: default
spec:
  podSelector: {}
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/99
`;
  await setEditorText(page, POD('alpha') + '---\n' + bad);
  const item = page.locator('#policies li[data-policy-rejected="bad-cidr"]');
  await item.waitFor({ timeout: TIMEOUT });
  const text = await item.textContent();
  assert.match(text, /not applied: .*CIDR/i, text);
  const line = Number(await page.getAttribute('#diagnostics li[data-code="invalid-cidr"]', 'data-line'));
  assert.match(text, new RegExp(`line ${line}`));
  await item.locator('button.line-ref').click();
  const caretLine = await page.$eval('#editor', (el) => el.value.slice(0, el.selectionStart).split('\n').length);
  assert.equal(caretLine, line, 'the line link jumps to the error');
  await shot(page, TAG, '3-rejected-policy');
});
