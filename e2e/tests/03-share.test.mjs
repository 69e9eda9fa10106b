// Share links: "Copy link" round trip, and a committed version-1 link that every
// later version must keep opening. e2e/fixtures/share-v1.txt is the URL fragment that
// "Copy link" made for the "Demo + deny-by-default" example in the first release of the
// playground (format `#v1=` + base64url(raw deflate("view=graph\n\n" + text)));
// share-v1.yaml is its text. Never regenerate them: a new format gets a new fixture.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  useApp, openApp, editorText, setEditorText, flows, expectFlow, shot, appendDocs, withoutDocs,
  DENY_BOTH, DEMO, FIXTURES, TIMEOUT,
} from '../lib/harness.mjs';

const TAG = 'share';
const app = useApp(TAG);
const HTTPD = [DEMO.svc, DEMO.httpd];

function flowKey(fs_) {
  return fs_.filter((f) => f.verdict).map((f) => `${f.from} -> ${f.to}: ${f.verdict}/${f.blockedAt ?? ''}`).sort();
}

/** Clicks #copy-link and returns the link: from the clipboard, else the link the page shows (#share-url) or sets. */
async function copyLink(page) {
  const before = page.url();
  await page.locator('#copy-link').click();
  let link = '';
  for (let i = 0; i < 30 && !link; i++) {
    const clip = await page.evaluate(() => navigator.clipboard.readText().catch(() => '')).catch(() => '');
    const shown = await page.$eval('#share-url', (e) => e.value).catch(() => '');
    if (/^https?:\/\/.*#./.test(clip.trim())) link = clip.trim();
    else if (/^https?:\/\/.*#./.test(shown.trim())) link = shown.trim();
    else if (page.url() !== before && page.url().includes('#')) link = page.url();
    else await page.waitForTimeout(100);
  }
  return link;
}

test('copy link, open it in a fresh browser context: same text, same flows', async () => {
  const page = await app.newPage({ clipboard: true });
  await openApp(page, app.baseUrl);
  const base = withoutDocs(await editorText(page), /kind:\s*NetworkPolicy/);
  // Non-ASCII and trailing spaces must survive the compression and the URL.
  const text = appendDocs(base, DENY_BOTH) + '# shared from the e2e suite: ünïcödé ✓ → 日本 \n';
  await setEditorText(page, text);
  await expectFlow(page, DEMO.centos, HTTPD, 'blocked');
  const flowsHere = flowKey(await flows(page));

  const link = await copyLink(page);
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/.*#.+/, `a link to this page with the state in the fragment (got ${JSON.stringify(link)})`);
  assert.ok(link.startsWith(app.baseUrl), `the link points at this site (${link})`);
  assert.ok(!link.includes('deny-by-default'), 'the state is compressed, not pasted as plain text');

  // A fresh context: no localStorage, so only the link can restore the text.
  const other = await app.newPage();
  await openApp(other, link.slice(0, link.indexOf('#')), link.slice(link.indexOf('#')));
  await other.waitForFunction((t) => document.querySelector('#editor').value === t, text, { timeout: TIMEOUT }).catch(() => {});
  assert.equal(await editorText(other), text, 'the link restores the exact text');
  await expectFlow(other, DEMO.centos, HTTPD, 'blocked');
  assert.deepEqual(flowKey(await flows(other)), flowsHere, 'the link restores the same flows');
  await shot(other, TAG, '1-round-trip');
});

test('the committed version-1 share link still opens the deny-by-default demo', async () => {
  const file = path.join(FIXTURES, 'share-v1.txt');
  assert.ok(fs.existsSync(file), `${file} is committed`);
  const fragment = fs.readFileSync(file, 'utf8').trim();
  assert.match(fragment, /^#.+/, 'share-v1.txt holds a URL fragment');
  const page = await app.newPage();
  await openApp(page, app.baseUrl, fragment);
  await page
    .waitForFunction(() => document.querySelector('#editor').value.includes('deny-by-default'), null, { timeout: TIMEOUT })
    .catch(() => {});
  const text = await editorText(page);
  assert.match(text, /name:\s*deny-by-default/, 'the v1 link restores the deny-by-default text');
  // The exact text the link was made from (decoded once, when the link was committed).
  assert.equal(text, fs.readFileSync(path.join(FIXTURES, 'share-v1.yaml'), 'utf8'), 'the v1 link restores the exact text');
  await expectFlow(page, DEMO.centos, HTTPD, 'blocked', { blockedAt: 'source' });
  await shot(page, TAG, '2-v1-link');
});
