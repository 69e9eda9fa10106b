// Admin tiers in the page: flows an admin tier decided carry a tier badge (on the flow and in
// the explanation, with the whole chain: "ClusterNetworkPolicy … (Admin, priority 10), rule …,
// denies"); the policy list is grouped by tier in evaluation order with priorities; the what-if
// switches work for admin policies. Expected verdicts come from the engine (the CLI's JSON).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  useApp, openApp, editorText, expectFlow, clickFlow, shot, waitReady, engineExplain, overlappingTexts, TIMEOUT,
} from '../lib/harness.mjs';

const TAG = 'admin';
const app = useApp(TAG);
const require = createRequire(import.meta.url);

async function axe(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

async function setTheme(page, theme) {
  const now = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  if (now !== theme) await page.locator('#theme-toggle').click();
  await page.waitForFunction((t) => document.documentElement.getAttribute('data-theme') === t, theme, { timeout: TIMEOUT });
}

async function openAdminExample(page) {
  await openApp(page, app.baseUrl);
  page.on('dialog', (d) => d.accept());
  await page.locator('#examples').selectOption('admin-tiers');
  await page.waitForFunction(() => document.querySelector('#editor').value.includes('ClusterNetworkPolicy'), null, { timeout: TIMEOUT });
  return editorText(page);
}

const verdict = (e) => (e.allowed ? 'allowed' : 'blocked');

describe('admin tiers in the page', () => {
  test('flows an admin tier decided carry a tier badge; the explanation names the chain', async () => {
    const page = await app.newPage();
    const text = await openAdminExample(page);
    const cases = [
      ['sandbox/tester', 'shop/web', 8080, 'Admin'],
      ['monitoring/prometheus', 'shop/web', 8080, null],
      ['monitoring/prometheus', 'shop/db', 5432, null],
      ['shop/web', 'sandbox/tester', 8000, 'Baseline'],
    ];
    for (const [from, to, port, tier] of cases) {
      const e = engineExplain(text, from, to, port);
      await expectFlow(page, from, [to], verdict(e));
      const attr = await page.$eval(`svg#graph [data-from="${from}"][data-to="${to}"][data-verdict]`, (el) => ({
        tier: el.getAttribute('data-tier'), badge: el.querySelector('[data-tier-badge]')?.getAttribute('data-tier-badge') ?? null,
      }));
      assert.deepEqual(attr, { tier: tier, badge: tier }, `${from} → ${to}: tier badge`);
    }
    await waitReady(page);
    // The Admin Deny, in the explanation: the gate carries the tier and the whole sentence.
    await clickFlow(page, 'sandbox/tester', 'shop/web');
    const gate = page.locator('#explanation [data-gate="ingress"][data-tier="Admin"]').first();
    await gate.waitFor({ timeout: TIMEOUT });
    assert.equal(await gate.getAttribute('data-verdict'), 'denied');
    assert.equal(await gate.locator('[data-tier-badge="Admin"]').count(), 1);
    const said = (await gate.textContent()).replace(/\s+/g, ' ');
    assert.match(said, /ClusterNetworkPolicy no-sandbox-to-shop \(Admin, priority 10\), rule deny-sandbox, denies/, said);
    await shot(page, TAG, '1-admin-deny');
    // The Pass: it delegates to the team's NetworkPolicy, which then decides.
    await clickFlow(page, 'monitoring/prometheus', 'shop/db');
    await page.waitForFunction(() => /passes/.test(document.querySelector('#explanation [data-gate="ingress"]')?.textContent ?? ''), null, { timeout: TIMEOUT });
    const pass = (await page.locator('#explanation [data-gate="ingress"]').first().textContent()).replace(/\s+/g, ' ');
    assert.match(pass, /ClusterNetworkPolicy delegate-monitoring \(Admin, priority 20\), rule monitoring-to-teams, passes →/);
    assert.match(pass, /isolated by shop\/db-from-web/);
    assert.equal(await page.locator('#explanation [data-gate="ingress"]').first().getAttribute('data-verdict'), 'denied');
    await shot(page, TAG, '2-admin-pass');
  });

  test('the policy list groups policies by tier with priorities; the what-if switch works for admin policies', async () => {
    const page = await app.newPage();
    const text = await openAdminExample(page);
    await page.locator('#policies [data-admin-policy]').first().waitFor({ timeout: TIMEOUT });
    const rows = await page.$$eval('#policies > li', (els) => els.map((e) =>
      e.getAttribute('data-tier-group') ? `[${e.getAttribute('data-tier-group')}]`
        : e.getAttribute('data-admin-policy') ? `${e.getAttribute('data-admin-policy')}@${e.getAttribute('data-priority')}`
          : e.getAttribute('data-policy')));
    assert.deepEqual(rows, [
      '[Admin]', 'no-sandbox-to-shop@10', 'delegate-monitoring@20',
      '[NetworkPolicy]', 'shop/allow-web', 'shop/db-from-web',
      '[Baseline]', 'sandbox-default-deny@1',
    ]);
    assert.match(await page.locator('#policies [data-admin-policy="no-sandbox-to-shop"]').textContent(), /priority 10/);

    // Switching the Admin Deny off: the team's allow-web decides (the engine says how).
    await expectFlow(page, 'sandbox/tester', ['shop/web'], 'blocked');
    const off = text.replace(/---\n# Admin tier, first:[\s\S]*?(?=---\n# Admin tier, then)/, '');
    assert.notEqual(off, text);
    const without = engineExplain(off, 'sandbox/tester', 'shop/web', 8080);
    await page.locator('[data-policy-toggle="ClusterNetworkPolicy:no-sandbox-to-shop"]').click();
    await expectFlow(page, 'sandbox/tester', ['shop/web'], verdict(without));
    assert.equal(verdict(without), 'allowed');
    assert.equal(await page.getAttribute('#policies [data-admin-policy="no-sandbox-to-shop"]', 'data-enabled'), 'false');
    await page.locator('[data-policy-toggle="ClusterNetworkPolicy:no-sandbox-to-shop"]').click();
    await expectFlow(page, 'sandbox/tester', ['shop/web'], 'blocked');
    await shot(page, TAG, '3-policy-list');
  });

  for (const [w, h] of [[1280, 720], [1400, 900]]) {
    for (const theme of ['light', 'dark']) {
      test(`${w}×${h} ${theme}: the admin example reads well and is axe-clean`, async () => {
        const page = await app.newPage({ viewport: { width: w, height: h } });
        await openAdminExample(page);
        await setTheme(page, theme);
        await expectFlow(page, 'sandbox/tester', ['shop/web'], 'blocked');
        await waitReady(page);
        await clickFlow(page, 'sandbox/tester', 'shop/web');
        await page.locator('#explanation [data-gate="ingress"]').first().waitFor({ timeout: TIMEOUT });
        await shot(page, TAG, `4-${w}x${h}-${theme}`);
        const overlaps = await overlappingTexts(page);
        assert.deepEqual(overlaps, [], 'no texts overlap in the graph');
        const scroll = await page.evaluate(() => ({
          w: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
          h: document.documentElement.scrollHeight, ch: document.documentElement.clientHeight,
        }));
        assert.ok(scroll.w <= scroll.cw && scroll.h <= scroll.ch, `no page scrollbars (${JSON.stringify(scroll)})`);
        assert.deepEqual(await axe(page), [], `axe-core (${theme})`);
      });
    }
  }
});
