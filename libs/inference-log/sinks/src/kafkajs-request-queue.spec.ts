import { scheduleCheckPendingRequests } from './kafkajs-tuning';

/**
 * kafkajs' own RequestQueue, loaded in a registry of its own: the one this lib's import patched (under
 * Jest too, its prototype being shared) would not show the loop. The tuned queues get the method here.
 */
type Queue = {
  pending: unknown[];
  inflight: Map<number, unknown>;
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
  push(request: object): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer | null; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
};
let RequestQueue!: new (options: object) => Queue;
jest.isolateModules(() => {
  RequestQueue = jest.requireActual<new (options: object) => Queue>('kafkajs/src/network/requestQueue');
});
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function queue(tuned: boolean, maxInFlightRequests: number | null = null): Queue & { sent: number[] } {
  const q = new RequestQueue({
    maxInFlightRequests,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: '127.0.0.1:9092',
    logger: silent,
  }) as Queue & { sent: number[]; scheduleCheckPendingRequests?: () => void };
  if (tuned) q.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  q.sent = [];
  return q;
}

function push(q: Queue & { sent: number[] }, correlationId: number): Promise<unknown> {
  return new Promise((resolve, reject) =>
    q.push({
      entry: { correlationId, apiKey: 0, apiName: 'Produce', apiVersion: 3, resolve, reject },
      expectResponse: true,
      sendRequest: () => q.sent.push(correlationId),
    }),
  );
}

describe("kafkajs' request queue check, without its timer loop", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('leaves no timer behind once a response arrives and nothing waits (kafkajs 2.2.4 re-arms one each ms)', async () => {
    for (const tuned of [false, true]) {
      const q = queue(tuned);
      const answered = push(q, 1);
      expect(q.sent).toEqual([1]);
      q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
      await answered;
      // kafkajs' own method: a timer now, and another after it fires, for ever.
      const timers = [jest.getTimerCount()];
      jest.advanceTimersByTime(5);
      timers.push(jest.getTimerCount());
      expect(timers).toEqual(tuned ? [0, 0] : [1, 1]);
      q.destroy();
    }
  });

  it('still sends a waiting request when an in-flight one completes, and checks every 10 ms meanwhile', async () => {
    const q = queue(true, 1);
    void push(q, 1);
    void push(q, 2);
    expect(q.sent).toEqual([1]);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(30); // the in-flight limit holds: checked, nothing sent, checked again
    expect(q.sent).toEqual([1]);
    expect(jest.getTimerCount()).toBe(1);
    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(q.sent).toEqual([1, 2]);
    jest.advanceTimersByTime(10); // the armed check finds nothing waiting and does not re-arm
    expect(jest.getTimerCount()).toBe(0);
    q.fulfillRequest({ correlationId: 2, payload: null, size: 0 });
    expect(jest.getTimerCount()).toBe(0);
    q.destroy();
  });

  it('holds requests while the broker throttles and sends them when the throttle ends', () => {
    jest.setSystemTime(1_000_000);
    const q = queue(true);
    void push(q, 1);
    q.maybeThrottle(50);
    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    // Nothing waits, but the throttle has an end: one check is armed for it.
    expect(jest.getTimerCount()).toBe(1);
    void push(q, 2);
    expect(q.sent).toEqual([1]);
    jest.advanceTimersByTime(49);
    expect(q.sent).toEqual([1]);
    jest.advanceTimersByTime(1);
    expect(q.sent).toEqual([1, 2]);
    expect(jest.getTimerCount()).toBe(0);
    q.destroy();
  });
});
