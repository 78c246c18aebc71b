// Container health probe for the node:slim images, which ship no curl or wget: GET
// http://127.0.0.1:$DH_HTTP_PORT<path> (path argument, default /healthz) and exit 0 on a 2xx
// answer, 1 on anything else, a refused connection or no answer within the timeout.
'use strict';
const http = require('node:http');

const TIMEOUT_MS = 2000;
const port = Number(process.env.DH_HTTP_PORT || 9090);
const path = process.argv[2] || '/healthz';

const req = http.get({ host: '127.0.0.1', port, path, timeout: TIMEOUT_MS }, (res) => {
  res.resume();
  process.exit(res.statusCode >= 200 && res.statusCode < 300 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', () => process.exit(1));
