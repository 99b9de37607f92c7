import { CallCancellation, type CancelSignal } from './cancel-signal';

describe('CallCancellation', () => {
  it('calls each listener once, on the first cancel, with the reason readable', () => {
    const cancellation = new CallCancellation();
    const seen: unknown[] = [];
    const first = () => seen.push(['first', cancellation.aborted, cancellation.reason]);
    cancellation.addEventListener('abort', first);
    cancellation.addEventListener('abort', () => seen.push('second'));
    const reason = new Error('client left');

    cancellation.cancel(reason);
    cancellation.cancel(new Error('again'));

    expect(seen).toEqual([['first', true, reason], 'second']);
    expect(cancellation.reason).toBe(reason);
  });

  it('forgets removed listeners and, like AbortSignal, does not call listeners added after the cancel', () => {
    const cancellation = new CallCancellation();
    const calls: string[] = [];
    const removed = () => calls.push('removed');
    cancellation.addEventListener('abort', removed);
    cancellation.removeEventListener('abort', removed);
    cancellation.removeEventListener('abort', () => undefined); // unknown listener: no effect
    cancellation.cancel('gone');
    cancellation.addEventListener('abort', () => calls.push('late'));

    expect(calls).toEqual([]);
    expect(cancellation.aborted).toBe(true);
  });

  it('is interchangeable with a standard AbortSignal', () => {
    const controller = new AbortController();
    const signals: CancelSignal[] = [controller.signal, new CallCancellation()];
    const fired: number[] = [];
    signals.forEach((signal, i) => signal.addEventListener('abort', () => fired.push(i), { once: true }));
    controller.abort();
    (signals[1] as CallCancellation).cancel(undefined);

    expect(fired).toEqual([0, 1]);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });
});
