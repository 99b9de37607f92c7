/**
 * Encoded values laid end to end in one buffer: value i is bytes[bounds[2i], bounds[2i+1]). The spool
 * hands a batch to its transport this way: one object per batch instead of a Buffer per record (a batch
 * lives until Kafka acknowledges it, long enough for the young-generation GC to promote whatever it
 * holds), and one copy when the producer runs on its own thread.
 */
export interface ValueRun {
  readonly bytes: Uint8Array;
  readonly bounds: Uint32Array;
  readonly count: number;
}

/** The run of `values`, in order (copied into one buffer). */
export function valueRunOf(values: readonly Uint8Array[]): ValueRun {
  let total = 0;
  for (const v of values) total += v.length;
  const bytes = Buffer.allocUnsafe(total);
  const bounds = new Uint32Array(values.length * 2);
  let at = 0;
  values.forEach((v, i) => {
    bytes.set(v, at);
    bounds[2 * i] = at;
    at += v.length;
    bounds[2 * i + 1] = at;
  });
  return { bytes, bounds, count: values.length };
}

/** Value i of a run, as a Buffer over the run's bytes (no copy). */
export function valueAt(run: ValueRun, i: number): Buffer {
  if (!(i >= 0 && i < run.count)) throw new RangeError(`value ${i} of a run of ${run.count}`);
  const start = run.bounds[2 * i]!;
  const end = run.bounds[2 * i + 1]!;
  return Buffer.from(run.bytes.buffer, run.bytes.byteOffset + start, end - start);
}

/** Every value of a run, as Buffers over its bytes. */
export function valuesOf(run: ValueRun): Buffer[] {
  return Array.from({ length: run.count }, (_, i) => valueAt(run, i));
}

/**
 * A copy of the run that owns exactly its bytes (bytes starting at 0, bounds as they are), for handing to
 * another thread by transfer while the original stays usable (a batch is re-sent after a failure).
 */
export function detachedCopy(run: ValueRun): ValueRun {
  const first = run.count > 0 ? run.bounds[0]! : 0;
  const last = run.count > 0 ? run.bounds[2 * run.count - 1]! : 0;
  const bytes = new Uint8Array(last - first);
  bytes.set(run.bytes.subarray(first, last));
  const bounds = run.bounds.slice(0, 2 * run.count);
  if (first !== 0) for (let i = 0; i < bounds.length; i++) bounds[i] = bounds[i]! - first;
  return { bytes, bounds, count: run.count };
}
