// Worker thread owning ONNX Runtime sessions for WorkerSessionLoader (worker-session.loader.ts). Plain
// CommonJS so it loads the same way from sources (Jest) and from dist/ (copied by tools/scripts/build.mjs).
// Messages: {id, op: 'load', path, options} | {id, op: 'run', session, feeds, fetches} | {id, op: 'release', session}.
// A run answers {outputs, runUs}: its outputs and how long session.run computed, in µs.
'use strict';
const { parentPort } = require('node:worker_threads');
const ort = require('onnxruntime-node');

const sessions = new Map();
let nextSession = 0;

async function handle(msg) {
  switch (msg.op) {
    case 'load': {
      const session = await ort.InferenceSession.create(msg.path, msg.options);
      const id = ++nextSession;
      sessions.set(id, session);
      return {
        session: id,
        inputMetadata: plain(session.inputMetadata),
        outputMetadata: plain(session.outputMetadata),
      };
    }
    case 'run': {
      const session = sessions.get(msg.session);
      if (!session) throw new Error(`session ${msg.session} is not loaded in the inference worker`);
      const feeds = {};
      for (const name of Object.keys(msg.feeds)) {
        const t = msg.feeds[name];
        feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      }
      // Timed like session-loader.ts's startRunClock: from an immediate queued just before ORT's own, so
      // runs queued behind other messages do not count the wait as compute.
      let started = performance.now();
      const mark = setImmediate(() => (started = performance.now()));
      const results = await session.run(feeds, msg.fetches);
      clearImmediate(mark);
      const runUs = (performance.now() - started) * 1000;
      const outputs = {};
      for (const name of Object.keys(results)) {
        const t = results[name];
        outputs[name] = { type: t.type, dims: t.dims, data: t.data };
      }
      return { outputs, runUs };
    }
    case 'release': {
      const session = sessions.get(msg.session);
      sessions.delete(msg.session);
      if (session) await session.release();
      return {};
    }
    default:
      throw new Error(`unknown op ${msg.op}`);
  }
}

function plain(metadata) {
  return metadata.map((m) => ({ ...m, shape: m.shape ? [...m.shape] : m.shape }));
}

parentPort.on('message', (msg) => {
  handle(msg).then(
    (result) => parentPort.postMessage({ id: msg.id, result }),
    (error) =>
      parentPort.postMessage({ id: msg.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
