// The classic demo: Service svc-clusterip-httpd in front of the 3-replica Deployment
// dep-httpd, and pod-centos calling it; open at first, blocked by deny-by-default,
// reopened on exactly TCP 80 by an allow policy; the explanation names the policy.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useApp, openApp, editorText, setEditorText, nodeNames, flows, expectFlow, clickFlow, shot,
  appendDocs, withoutDocs, documents, expectedBlockedAt, waitReady, overlappingTexts,
  DENY_BOTH, DENY_INGRESS_ONLY, ALLOW_HEALTHCHECK, DEMO, TIMEOUT,
} from '../lib/harness.mjs';

const TAG = 'demo';
const app = useApp(TAG);
const HTTPD = [DEMO.svc, DEMO.httpd];

/** Adds `containerPort: extra` as a new list item beside the one that declares `port`. */
function addContainerPort(text, port, extra) {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => new RegExp(`containerPort:\\s*${port}\\s*$`).test(l));
  assert.ok(at >= 0, `the demo declares containerPort ${port}`);
  let item = at;
  while (item > 0 && !/^\s*-\s/.test(lines[item])) item -= 1;
  const dash = /^(\s*)-/.exec(lines[item])[1];
  lines.splice(item, 0, `${dash}- containerPort: ${extra}`, `${dash}  protocol: TCP`);
  return lines.join('\n');
}

/** The first example's text, with its NetworkPolicies (if any) removed. */
async function demoWithoutPolicies(page) {
  return withoutDocs(await editorText(page), /kind:\s*NetworkPolicy/);
}

describe('classic demo', () => {
  test('the first example loads by default: Service, 3-replica Deployment, pod-centos, all flows open', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    const text = await editorText(page);
    for (const s of ['svc-clusterip-httpd', 'dep-httpd', 'pod-centos', 'component: httpd_webserver', 'app: healthchecker', 'replicas: 3']) {
      assert.ok(text.includes(s), `the default example should contain \`${s}\``);
    }
    const nodes = await nodeNames(page);
    for (const n of [DEMO.centos, DEMO.httpd, DEMO.svc]) {
      assert.ok(nodes.includes(n), `node ${n} drawn (nodes: ${nodes.join(', ')})`);
    }
    await expectFlow(page, DEMO.centos, HTTPD, 'allowed');
    const drawn = await flows(page);
    const notOpen = drawn.filter((f) => f.verdict && f.verdict !== 'allowed');
    assert.deepEqual(notOpen, [], 'the classic demo starts with all flows open');
    await shot(page, TAG, '1-open');
    // Readable: no text of the graph (node names, kinds, badges, Service port labels) on another.
    assert.deepEqual(await overlappingTexts(page), [], 'no two texts of the graph overlap');
  });

  test('the deny-by-default example blocks pod-centos -> httpd at the side the semantics give', async () => {
    const page = await app.newPage();
    page.on('dialog', (d) => d.accept());
    await openApp(page, app.baseUrl);
    const select = page.locator('#examples');
    assert.equal(await select.count(), 1, 'an #examples menu');
    const options = await select.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent })));
    const deny = options.find((o) => /deny/i.test(`${o.value} ${o.text}`));
    assert.ok(deny, `an example with deny-by-default among ${JSON.stringify(options)}`);
    await select.selectOption(deny.value);
    await page.waitForFunction(() => document.querySelector('#editor').value.includes('deny-by-default'), null, { timeout: TIMEOUT });
    const text = await editorText(page);
    const denyDoc = documents(text).find((d) => /name:\s*deny-by-default/.test(d));
    assert.ok(denyDoc && /podSelector:\s*\{\s*\}/.test(denyDoc), 'deny-by-default selects every pod (podSelector: {})');
    // The expected side comes from the engine itself (the CLI), not from re-reading the YAML.
    const where = expectedBlockedAt(text, DEMO.centos, DEMO.httpd, 80);
    await expectFlow(page, DEMO.centos, HTTPD, 'blocked', { blockedAt: where });
    await shot(page, TAG, '2-deny-example');
  });

  test('typing deny-by-default (Ingress+Egress) blocks at the source; ingress-only blocks at the destination', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    const base = await demoWithoutPolicies(page);
    await setEditorText(page, base);
    await expectFlow(page, DEMO.centos, HTTPD, 'allowed');

    await setEditorText(page, appendDocs(base, DENY_BOTH));
    await expectFlow(page, DEMO.centos, HTTPD, 'blocked', { blockedAt: 'source' });
    // The reverse direction is blocked too, by dep-httpd's own egress.
    await expectFlow(page, DEMO.httpd, [DEMO.centos], 'blocked', { blockedAt: 'source' });
    await shot(page, TAG, '3-deny-both');

    await setEditorText(page, appendDocs(base, DENY_INGRESS_ONLY));
    await expectFlow(page, DEMO.centos, HTTPD, 'blocked', { blockedAt: 'destination' });
  });

  test('an allow policy reopens exactly pod-centos -> httpd on TCP 80', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    const base = await demoWithoutPolicies(page);
    await setEditorText(page, appendDocs(base, DENY_BOTH));
    await expectFlow(page, DEMO.centos, HTTPD, 'blocked');

    const reopened = appendDocs(base, DENY_BOTH, ALLOW_HEALTHCHECK);
    await setEditorText(page, reopened);
    await expectFlow(page, DEMO.centos, HTTPD, 'allowed');
    await waitReady(page);
    // Everything else stays blocked (a pod reaching itself aside).
    await expectFlow(page, DEMO.httpd, [DEMO.centos], 'blocked');
    const others = (await flows(page)).filter(
      (f) => f.verdict && f.from !== f.to && !(f.from === DEMO.centos && HTTPD.includes(f.to)),
    );
    const open = others.filter((f) => f.verdict !== 'blocked');
    assert.deepEqual(open, [], 'only pod-centos -> httpd is open');
    await shot(page, TAG, '4-allow-80');

    // Exactly TCP 80: once httpd also serves 443, the flow to its pods is only partly open.
    const with443 = addContainerPort(reopened, 80, 443);
    await setEditorText(page, with443);
    await expectFlow(page, DEMO.centos, [DEMO.httpd], 'partial');
  });

  test('clicking a blocked flow explains it with deny-by-default', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    const base = await demoWithoutPolicies(page);
    await setEditorText(page, appendDocs(base, DENY_BOTH));
    const seen = await expectFlow(page, DEMO.centos, HTTPD, 'blocked');
    await waitReady(page);
    const panel = page.locator('#explanation');
    assert.equal(await panel.count(), 1, 'an #explanation panel');
    const how = await clickFlow(page, DEMO.centos, seen[0].to);
    await page.waitForFunction(
      () => (document.querySelector('#explanation')?.textContent ?? '').includes('deny-by-default'),
      null,
      { timeout: TIMEOUT },
    ).catch(() => {});
    const text = await panel.textContent();
    assert.match(text, /deny-by-default/, `the explanation (clicked by ${how}) names the policy; it says: ${text.slice(0, 400)}`);
    assert.equal(how, 'mouse', 'the blocked flow can be clicked on its stroke');
    await shot(page, TAG, '5-explanation');
  });

  test('hairpin traffic through the Service is flagged CNI-dependent, direct traffic is not', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    await expectFlow(page, DEMO.centos, HTTPD, 'allowed');
    const all = await flows(page);
    const hairpin = all.filter((f) => f.from === DEMO.httpd && f.to === DEMO.svc && f.verdict);
    assert.ok(hairpin.length > 0, 'dep-httpd -> its own Service is drawn');
    assert.ok(hairpin.every((f) => f.cniDependent === 'true'), `hairpin flagged: ${JSON.stringify(hairpin)}`);
    const direct = all.filter((f) => f.from === DEMO.centos && HTTPD.includes(f.to) && f.verdict);
    assert.ok(direct.every((f) => f.cniDependent !== 'true'), `pod-centos -> httpd is not CNI-dependent: ${JSON.stringify(direct)}`);
    await shot(page, TAG, '6-cni');
  });

  test('matrix view: pod x pod truth table on the declared ports, a cell explains itself', async () => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    const base = await demoWithoutPolicies(page);
    await setEditorText(page, appendDocs(base, DENY_BOTH, ALLOW_HEALTHCHECK));
    await expectFlow(page, DEMO.centos, HTTPD, 'allowed');
    await page.locator('#view-matrix').click();
    await page.locator('#matrix td[data-verdict]').first().waitFor({ state: 'attached', timeout: TIMEOUT });
    // One row per pod (the default groups each workload's replicas).
    await page.locator('#matrix-pods').check();
    await page.locator('#matrix td[data-to="default/dep-httpd-0"]').first().waitFor({ state: 'attached', timeout: TIMEOUT });
    const cells = await page.$$eval('#matrix td[data-verdict]', (tds) =>
      tds.map((td) => ({ from: td.getAttribute('data-from'), to: td.getAttribute('data-to'), v: td.getAttribute('data-verdict') })),
    );
    const replicas = [...new Set(cells.map((c) => c.to).filter((n) => /^default\/dep-httpd-/.test(n)))];
    assert.equal(replicas.length, 3, `three dep-httpd pods in the matrix (${replicas.join(', ')})`);
    for (const r of replicas) {
      assert.equal(cells.find((c) => c.from === DEMO.centos && c.to === r)?.v, 'allowed', `pod-centos -> ${r} on 80`);
      assert.equal(cells.find((c) => c.from === r && c.to === DEMO.centos)?.v, 'blocked', `${r} -> pod-centos`);
    }
    const open = cells.filter((c) => c.v === 'allowed' && !(c.from === DEMO.centos && replicas.includes(c.to)));
    assert.deepEqual(open, [], 'only pod-centos -> httpd pods are open');
    await page.locator(`#matrix td[data-from="${replicas[0]}"][data-to="${DEMO.centos}"] button`).click();
    await page.waitForFunction(() => /deny-by-default/.test(document.querySelector('#explanation')?.textContent ?? ''), null, { timeout: TIMEOUT });
    await shot(page, TAG, '7-matrix');
  });

  test('what-if: switching deny-by-default off reopens the flow', async (t) => {
    const page = await app.newPage();
    await openApp(page, app.baseUrl);
    const base = await demoWithoutPolicies(page);
    await setEditorText(page, appendDocs(base, DENY_BOTH));
    await expectFlow(page, DEMO.centos, HTTPD, 'blocked');
    const toggles = await page.$$eval('[data-policy-toggle]', (els) => els.map((e) => e.getAttribute('data-policy-toggle')));
    if (!toggles.length) {
      t.skip('no [data-policy-toggle] hook in the page');
      return;
    }
    const name = toggles.find((n) => /deny-by-default/.test(n));
    assert.ok(name, `a toggle for deny-by-default among ${toggles.join(', ')}`);
    await page.locator(`[data-policy-toggle="${name}"]`).first().click();
    await expectFlow(page, DEMO.centos, HTTPD, 'allowed');
    assert.match(await editorText(page), /deny-by-default/, 'switching a policy off does not delete its text');
    await shot(page, TAG, '8-what-if');
  });
});
