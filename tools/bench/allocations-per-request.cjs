#!/usr/bin/env node
// Bytes the gateway allocated per request, from the sampling heap profile that
// `PROFILE_ALLOCATIONS=1 node tools/bench/bench.mjs --cells d-echo ... --cpu-prof DIR` writes (objects the GC
// has since collected included). Allocations made while loading modules are left out; the rest is divided
// by the number of requests the cells served (req/s × seconds from the bench's table).
// Usage: node tools/bench/allocations-per-request.cjs DIR/gateway-<pid>.heapprofile <requests> [top N]
const { readFileSync } = require('node:fs');

const [file, requestsText, topText] = process.argv.slice(2);
const requests = Number(requestsText);
if (!file || !(requests > 0)) {
  console.error('usage: allocations-per-request.cjs <file.heapprofile> <requests> [top]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const LOADING = /Module\._load|compileFunction|wrapSafe|bootstrap/;
let total = 0;
const byFunction = new Map();
const stack = [[profile.head, false]];
while (stack.length > 0) {
  const [node, underLoading] = stack.pop();
  const frame = node.callFrame;
  const loading = underLoading || LOADING.test(frame.functionName);
  if (!loading) {
    total += node.selfSize;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-1)[0]}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
  }
  for (const child of node.children) stack.push([child, loading]);
}
console.log(`${(total / requests).toFixed(0)} bytes allocated per request (${requests} requests)`);
const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(topText ?? 15));
for (const [name, bytes] of top) console.log(`${String(Math.round(bytes / requests)).padStart(7)}  ${name}`);
