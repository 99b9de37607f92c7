// Jest runs each test file in its own vm context, so `new Float32Array()` in a test (or in code a test
// loads) comes from that context's constructor. onnxruntime-node checks `instanceof Float32Array` against
// the host's constructors and rejects such arrays ("must be type of Float32Array"). Handing the sandbox
// the host's typed-array and buffer constructors makes both sides agree.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class HostTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = HostTypedArraysEnvironment;
