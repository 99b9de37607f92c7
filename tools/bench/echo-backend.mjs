#!/usr/bin/env node
// A trivial TF-Serving-compatible backend for isolating proxy cost: POST …:predict answers with the
// request body's bytes unchanged; GET /v1/models/{m} answers TF Serving's status shape (for health checks).
// Usage: node tools/bench/echo-backend.mjs <port>   (prints "listening <port>")
import { createServer } from 'node:http';

const status = Buffer.from(
  '{"model_version_status":[{"version":"1","state":"AVAILABLE","status":{"error_code":"OK","error_message":""}}]}',
);
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': status.length });
    res.end(status);
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () =>
  console.log(`listening ${server.address().port}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
