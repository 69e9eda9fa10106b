// The ✕ where traffic stops: a call through a Service is drawn as its two legs (client →
// Service → backing pods) and the ✕ (data-mark="blocked") sits on the leg and at the side
// that blocks. Noise (a workload to its own Service, reverse "no port" flows) is hidden until
// "all flows" is switched on; the legend explains every mark drawn.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useApp, openApp, editorText, setEditorText, expectFlow, clickFlow, shot, waitReady, appendDocs, withoutDocs,
  DENY_BOTH, DENY_INGRESS_ONLY, DEMO, TIMEOUT,
} from '../lib/harness.mjs';

const TAG = 'where-traffic-stops';
const app = useApp(TAG);

/** Screen centres of the blocked marks of a flow, and of two nodes. */
function marks(page, from, to) {
  return page.evaluate(({ from, to }) => {
    const centre = (el) => {
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    };
    const flow = [...document.querySelectorAll('svg#graph [data-from][data-verdict]')].find(
      (e) => e.getAttribute('data-from') === from && e.getAttribute('data-to') === to,
    );
    const node = (n) => centre(document.querySelector(`svg#graph [data-node="${n}"] .shape:not(.back)`));
    return {
      marks: flow ? [...flow.querySelectorAll('[data-mark="blocked"]')].map(centre) : null,
      nodes: { from: node(from), to: node(to) },
    };
  }, { from, to });
}

const dist = (a, b) => Math.hypot(a.x - b.x, a.y - b.y);

async function demoBase(page) {
  await openApp(page, app.baseUrl);
  return withoutDocs(await editorText(page), /kind:\s*NetworkPolicy/);
}

describe('where the traffic stops', () => {
  test('ingress-only deny-by-default: the ✕ of pod-centos → Service sits at the httpd side', async () => {
    const page = await app.newPage();
    const base = await demoBase(page);
    await setEditorText(page, appendDocs(base, DENY_INGRESS_ONLY));
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'blocked', { blockedAt: 'destination' });
    await waitReady(page);
    const m = await marks(page, DEMO.centos, DEMO.svc);
    const httpd = (await marks(page, DEMO.centos, DEMO.httpd)).nodes.to;
    await shot(page, TAG, '1-ingress-only');
    // The policy inspector says the policyTypes were defaulted.
    await page.locator('#policies li[data-policy="default/deny-by-default"] .policy-name').click();
    await page.waitForFunction(() => /Ingress \(defaulted/.test(document.querySelector('#explanation')?.textContent ?? ''), null, { timeout: TIMEOUT });
    await page.keyboard.press('Escape');
    assert.ok(m.marks?.length >= 1, 'the blocked call has a data-mark="blocked" ✕');
    const leg = dist(m.nodes.to, httpd);
    for (const x of m.marks) {
      assert.ok(dist(x, httpd) < dist(x, m.nodes.to), `the ✕ is nearer dep-httpd than the Service (${JSON.stringify({ x, httpd, svc: m.nodes.to })})`);
      assert.ok(dist(x, httpd) < leg / 3, `the ✕ sits at the pod side (${dist(x, httpd).toFixed(0)} px from dep-httpd, leg ${leg.toFixed(0)} px)`);
    }

    // Egress denied too: the ✕ sits at the client, on the first leg.
    await setEditorText(page, appendDocs(base, DENY_BOTH));
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'blocked', { blockedAt: 'source' });
    await waitReady(page);
    const s = await marks(page, DEMO.centos, DEMO.svc);
    assert.equal(s.marks.length, 1);
    assert.ok(dist(s.marks[0], s.nodes.from) < dist(s.marks[0], s.nodes.to), 'the ✕ is at pod-centos');
    await shot(page, TAG, '2-both');
  });

  test('hairpin and reverse no-port flows are hidden until "all flows"; the legend explains what is drawn', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'allowed');
    const visible = () => page.$$eval('svg#graph [data-from][data-verdict]', (els) =>
      els.filter((e) => getComputedStyle(e).display !== 'none').map((e) => `${e.getAttribute('data-from')} -> ${e.getAttribute('data-to')}`));
    let shown = await visible();
    assert.ok(!shown.includes(`${DEMO.httpd} -> ${DEMO.svc}`), `the hairpin is hidden: ${shown}`);
    assert.ok(!shown.includes(`${DEMO.httpd} -> ${DEMO.centos}`), `the reverse no-port flow is hidden: ${shown}`);
    assert.ok(shown.includes(`${DEMO.centos} -> ${DEMO.svc}`));
    let legend = await page.locator('#legend').textContent();
    assert.doesNotMatch(legend, /CNI/, 'no ⚠ drawn, none explained');
    for (const words of ['allowed', 'Service to its pods: port → targetPort', 'replicas', 'Pod', 'workload', 'Service']) {
      assert.ok(legend.includes(words), `legend explains "${words}": ${legend}`);
    }
    await page.locator('#show-all-flows').check();
    await page.waitForFunction(() => [...document.querySelectorAll('svg#graph [data-noise]')].some((e) => getComputedStyle(e).display !== 'none'), null, { timeout: TIMEOUT });
    shown = await visible();
    assert.ok(shown.includes(`${DEMO.httpd} -> ${DEMO.svc}`), 'all flows: the hairpin is drawn');
    legend = await page.locator('#legend').textContent();
    assert.match(legend, /depends on the CNI/, 'the legend explains ⚠ once it is drawn');
    await shot(page, TAG, '3-all-flows');
  });

  test('a reverse no-port flow is explained in plain words', async () => {
    const page = await app.newPage();
    const base = await demoBase(page);
    await setEditorText(page, appendDocs(base, DENY_BOTH));
    await page.locator('#show-all-flows').check();
    await expectFlow(page, DEMO.httpd, [DEMO.centos], 'blocked');
    await waitReady(page);
    await clickFlow(page, DEMO.httpd, DEMO.centos);
    await page.waitForFunction(() => /declares no port/.test(document.querySelector('#explanation')?.textContent ?? ''), null, { timeout: TIMEOUT });
    const text = await page.locator('#explanation').textContent();
    assert.match(text, /declares no port, so every port was checked: no port is allowed\. Here is why for port 80\/TCP/);
    assert.doesNotMatch(text, /\(allowed: no port\)/);
  });

  test('trace one path: only its route stays, with both gates and the one that decides', async () => {
    const page = await app.newPage();
    const base = await demoBase(page);
    await setEditorText(page, appendDocs(base, DENY_INGRESS_ONLY));
    await expectFlow(page, DEMO.centos, [DEMO.svc], 'blocked', { blockedAt: 'destination' });
    await waitReady(page);
    await clickFlow(page, DEMO.centos, DEMO.svc);
    await page.locator('#trace').click();
    await page.locator('svg#graph [data-gate="ingress"]').waitFor({ timeout: TIMEOUT });
    const gates = await page.$$eval('svg#graph [data-gate]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-gate'), { allowed: e.getAttribute('data-allowed'), text: e.textContent }])));
    assert.equal(gates.egress.allowed, 'true', JSON.stringify(gates));
    assert.equal(gates.ingress.allowed, 'false');
    assert.match(gates.ingress.text, /deny-by-default/, 'the deciding gate names the policy');
    const others = await page.$$eval('svg#graph [data-from][data-verdict]', (els) => els
      .filter((e) => !(e.getAttribute('data-from') === 'default/pod-centos' && e.getAttribute('data-to') === 'service:default/svc-clusterip-httpd'))
      .map((e) => Number(getComputedStyle(e).opacity) < 0.2 || getComputedStyle(e).display === 'none'));
    assert.ok(others.length > 0 && others.every(Boolean), 'every other flow fades');
    await shot(page, TAG, '4-trace');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('svg#graph [data-gate]'), null, { timeout: TIMEOUT });
  });
});
