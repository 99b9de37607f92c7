#!/usr/bin/env node
// The floor for the model-server benchmark: a bare node:http server that reads the request body the way
// the model server does (chunks collected, Content-Length checked) and answers a fixed 10-score
// predictions body. What it costs per request is Node's HTTP stack alone, before any JSON or ORT work.
// With --json-parse it also runs V8's JSON.parse over the body: the least any server taking TF Serving's
// JSON request format pays before building a tensor.
// Usage: node tools/bench/http-floor.mjs <port> [--json-parse]   (prints TF Serving's "Exporting HTTP/REST API at:" line)
import { createServer } from 'node:http';

const answer = Buffer.from(
  '{\n    "predictions": [[0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]\n    ]\n}',
);
const parse = process.argv.includes('--json-parse');
const server = createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    chunks.push(chunk);
  });
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
    let status = 200;
    if (body.length === 0 && req.method === 'POST') status = 400;
    else if (parse && !Array.isArray(JSON.parse(body.toString('utf8')).instances)) status = 400;
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': answer.length });
    res.end(answer);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () =>
  console.log(`Exporting HTTP/REST API at:127.0.0.1:${server.address().port} ...`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
