import { detachedCopy, valueAt, valueRunOf, valuesOf } from './value-run';

describe('ValueRun', () => {
  const values = ['alpha', '', 'gamma-ray', 'δ'].map((v) => Buffer.from(v));

  it('keeps each value and its order, the empty one included', () => {
    const run = valueRunOf(values);
    expect(run.count).toBe(4);
    expect(valuesOf(run).map((v) => v.toString())).toEqual(['alpha', '', 'gamma-ray', 'δ']);
    expect(valueAt(run, 2).toString()).toBe('gamma-ray');
    expect(() => valueAt(run, 4)).toThrow(RangeError);
    expect(() => valueAt(run, -1)).toThrow(RangeError);
  });

  it('reads values in place: a view of the run, not a copy', () => {
    const run = valueRunOf(values);
    valueAt(run, 0)[0] = 'A'.charCodeAt(0);
    expect(valueAt(run, 0).toString()).toBe('Alpha');
  });

  it('copies a run that starts inside a larger buffer into bytes of its own, rebased to 0', () => {
    // As the spool hands them over: values between frame headers, inside a buffer read from disk.
    const bytes = Buffer.from('####one##two###three##');
    const run = { bytes, bounds: Uint32Array.from([4, 7, 9, 12, 15, 20]), count: 3 };
    const copy = detachedCopy(run);
    expect(copy.bytes.buffer).not.toBe(bytes.buffer);
    expect(copy.bytes.byteOffset).toBe(0);
    expect(copy.bytes.byteLength).toBe(16); // from the first value's start to the last one's end
    expect(Array.from(copy.bounds)).toEqual([0, 3, 5, 8, 11, 16]);
    expect(valuesOf(copy).map((v) => v.toString())).toEqual(['one', 'two', 'three']);
    // The original stays intact and usable (the spool re-sends it after a failure).
    copy.bytes.fill(0);
    expect(valuesOf(run).map((v) => v.toString())).toEqual(['one', 'two', 'three']);
    expect(Array.from(run.bounds)).toEqual([4, 7, 9, 12, 15, 20]);
  });

  it('copies an empty run', () => {
    const copy = detachedCopy(valueRunOf([]));
    expect(copy.count).toBe(0);
    expect(copy.bytes.byteLength).toBe(0);
  });
});
