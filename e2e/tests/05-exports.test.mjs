// Downloads: the graph as PNG and as SVG (valid files of sensible size), and the YAML.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useApp, openApp, editorText, expectFlow, shot, DEMO, ARTIFACTS, TIMEOUT } from '../lib/harness.mjs';

const TAG = 'exports';
const app = useApp(TAG);

async function download(page, selector) {
  const btn = page.locator(selector);
  assert.equal(await btn.count(), 1, `a ${selector} control`);
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), btn.click()]);
  const failure = await dl.failure();
  assert.equal(failure, null, `the ${selector} download completes`);
  const buf = fs.readFileSync(await dl.path());
  const name = dl.suggestedFilename();
  fs.writeFileSync(path.join(ARTIFACTS, `${TAG}--download-${name}`), buf);
  return { buf, name };
}

function pngInfo(buf) {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return {
    signature: buf.subarray(0, 8).equals(sig),
    ihdr: buf.subarray(12, 16).toString('latin1'),
    width: buf.readUInt32BE(16),
    height: buf.readUInt32BE(20),
    iend: buf.subarray(buf.length - 8, buf.length - 4).toString('latin1'),
  };
}

test('PNG export is a real PNG of sensible size', async () => {
  const page = await app.newPage();
  await openApp(page, app.baseUrl);
  await expectFlow(page, DEMO.centos, [DEMO.svc, DEMO.httpd], 'allowed');
  const { buf, name } = await download(page, '#export-png');
  assert.match(name, /\.png$/i, `a .png file name (${name})`);
  const info = pngInfo(buf);
  assert.ok(info.signature, 'PNG signature');
  assert.equal(info.ihdr, 'IHDR');
  assert.equal(info.iend, 'IEND', 'the PNG is complete');
  assert.ok(info.width > 200 && info.height > 200, `dimensions ${info.width}x${info.height} > 200px`);
  assert.ok(buf.length > 5 * 1024 && buf.length < 10 * 1024 * 1024, `size ${buf.length} B within 5 KB..10 MB`);
  // It decodes, and is not a blank canvas: several distinct colours.
  const colours = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 97) seen.add(`${d[i] >> 4},${d[i + 1] >> 4},${d[i + 2] >> 4},${d[i + 3] >> 6}`);
    return seen.size;
  }, buf.toString('base64'));
  assert.ok(colours >= 4, `the image has content (${colours} colour buckets)`);
  await shot(page, TAG, '1-png');
});

test('SVG export parses, names the nodes, and renders as an image', async () => {
  const page = await app.newPage();
  await openApp(page, app.baseUrl);
  await expectFlow(page, DEMO.centos, [DEMO.svc, DEMO.httpd], 'allowed');
  const { buf, name } = await download(page, '#export-svg');
  assert.match(name, /\.svg$/i, `a .svg file name (${name})`);
  const svg = buf.toString('utf8');
  assert.ok(svg.includes('<svg'), 'contains <svg');
  assert.ok(buf.length > 1024 && buf.length < 5 * 1024 * 1024, `size ${buf.length} B within 1 KB..5 MB`);
  for (const n of ['pod-centos', 'dep-httpd', 'svc-clusterip-httpd']) assert.ok(svg.includes(n), `names ${n}`);
  const checked = await page.evaluate(async (s) => {
    const doc = new DOMParser().parseFromString(s, 'image/svg+xml');
    const err = doc.querySelector('parsererror')?.textContent ?? null;
    const root = doc.documentElement;
    const img = new Image();
    img.src = URL.createObjectURL(new Blob([s], { type: 'image/svg+xml' }));
    let decoded = true;
    try {
      await img.decode();
    } catch {
      decoded = false;
    }
    return { err, root: root.localName, ns: root.namespaceURI, decoded, w: img.naturalWidth, h: img.naturalHeight };
  }, svg);
  assert.equal(checked.err, null, 'well-formed XML');
  assert.equal(checked.root, 'svg');
  assert.equal(checked.ns, 'http://www.w3.org/2000/svg', 'SVG namespace (standalone file)');
  assert.ok(checked.decoded && checked.w > 200 && checked.h > 200, `renders as an image (${JSON.stringify(checked)})`);
  await shot(page, TAG, '2-svg');
});

test('download YAML gives back the editor text', async () => {
  const page = await app.newPage();
  await openApp(page, app.baseUrl);
  const { buf, name } = await download(page, '#download-yaml');
  assert.match(name, /\.ya?ml$/i, `a .yaml file name (${name})`);
  assert.equal(buf.toString('utf8'), await editorText(page));
  await shot(page, TAG, '3-yaml');
});
