import { allocateTensorData, recycleTensorData, type HostTensor } from './host-tensor';

describe('tensor buffer recycling', () => {
  const tensor = (dtype: HostTensor['dtype'], data: HostTensor['data']): HostTensor => ({
    dtype,
    shape: [data.length],
    data,
  });

  it('hands a recycled buffer out again for the same dtype and size, zero-filled', () => {
    const first = allocateTensorData('float', 784) as Float32Array;
    first.fill(3.5);
    recycleTensorData(tensor('float', first));
    const again = allocateTensorData('float', 784) as Float32Array;
    expect(again).toBe(first);
    expect(again.every((x) => x === 0)).toBe(true);
    // Taken: the next allocation is a new buffer.
    expect(allocateTensorData('float', 784)).not.toBe(first);
  });

  it('zero-fills recycled int64 and uint64 buffers too', () => {
    for (const dtype of ['int64', 'uint64'] as const) {
      const data = allocateTensorData(dtype, 3) as BigInt64Array;
      data.fill(7n);
      recycleTensorData(tensor(dtype, data));
      expect([...(allocateTensorData(dtype, 3) as BigInt64Array)]).toEqual([0n, 0n, 0n]);
    }
  });

  it('never hands a buffer to another dtype or size', () => {
    const u8 = allocateTensorData('uint8', 16);
    recycleTensorData(tensor('uint8', u8));
    expect(allocateTensorData('bool', 16)).not.toBe(u8);
    expect(allocateTensorData('uint8', 17)).not.toBe(u8);
    expect(allocateTensorData('uint8', 16)).toBe(u8);
  });

  it('leaves detached, large and string buffers to the GC', () => {
    const moved = allocateTensorData('float', 8) as Float32Array;
    structuredClone(moved.buffer, { transfer: [moved.buffer as ArrayBuffer] });
    recycleTensorData(tensor('float', moved));
    expect(allocateTensorData('float', 8)).not.toBe(moved);
    const large = allocateTensorData('float', 32 * 1024);
    recycleTensorData(tensor('float', large));
    expect(allocateTensorData('float', 32 * 1024)).not.toBe(large);
    const strings = allocateTensorData('string', 2);
    recycleTensorData(tensor('string', strings));
    expect(allocateTensorData('string', 2)).not.toBe(strings);
  });

  it('keeps at most 16 spare buffers per dtype and size', () => {
    const buffers = Array.from({ length: 20 }, () => allocateTensorData('int32', 5));
    for (const b of buffers) recycleTensorData(tensor('int32', b));
    const handedOut = new Set(Array.from({ length: 20 }, () => allocateTensorData('int32', 5)));
    expect(buffers.filter((b) => handedOut.has(b))).toHaveLength(16);
  });
});
