// The static server of serve.mjs plus a wrapper page for browsers whose headless
// screenshot is taken at the load event (firefox-esr --screenshot): /__shot.html shows
// the app (unmodified, full size, in an iframe) and holds its own load event back with
// an image that /__delay answers only after DELAY ms, by when the wasm app has rendered.
//
//   node e2e/lib/shot-server.mjs DIR [PORT=0] [DELAY_MS=4000] [APP_PATH=./]
// Prints `listening on URL` like serve.mjs; the page to shoot is URL + '__shot.html'.

import http from 'node:http';
import { createHandler } from '../serve.mjs';

const [root = 'dist', port = '0', delay = '4000', app = './'] = process.argv.slice(2);
const files = createHandler(root);

const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII=',
  'base64',
);

const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url, 'http://127.0.0.1');
  if (pathname === '/__shot.html') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>shot</title>
<style>html,body{margin:0;height:100%;overflow:hidden}iframe{border:0;width:100%;height:100%;display:block}
img{position:absolute;width:1px;height:1px;opacity:0}</style></head>
<body><iframe src="${app}"></iframe><img src="/__delay?${Date.now()}" alt=""></body></html>`);
    return;
  }
  if (pathname === '/__delay') {
    setTimeout(() => {
      res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
      res.end(PNG_1x1);
    }, Number(delay));
    return;
  }
  files(req, res);
});

server.listen(Number(port), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/ (serving ${root})`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
