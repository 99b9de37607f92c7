import { AdaptiveSessionLoader, type AdaptiveSession } from './adaptive-session.loader';
import {
  SessionLostError,
  type Placement,
  type SessionTensor,
  type TimedRun,
  type TimedSessionHandle,
  type TimedSessionLoader,
} from './session-loader';

const MODEL = '/repo/m/1/model.onnx';

/** A deferred promise, to hold a load or a run open while the test looks around. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A loader whose sessions answer with their side's name and report `runUs` as their compute time. */
class FakeLoader implements TimedSessionLoader {
  runUs = 50;
  loads = 0;
  released = 0;
  closed = false;
  failNextLoad: Error | undefined;
  loadGate: Promise<void> | undefined;
  runGate: Promise<void> | undefined;

  constructor(readonly side: Placement) {}

  async load(): Promise<TimedSessionHandle> {
    this.loads++;
    await this.loadGate;
    const error = this.failNextLoad;
    this.failNextLoad = undefined;
    if (error) throw error;
    const runTimed = async (): Promise<TimedRun> => {
      await this.runGate;
      const out: SessionTensor = { type: 'string', dims: [1], data: [this.side] };
      return { outputs: { y: out }, runUs: this.runUs };
    };
    return {
      inputMetadata: [],
      outputMetadata: [],
      runTimed,
      run: async () => (await runTimed()).outputs,
      release: async () => {
        this.released++;
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('AdaptiveSessionLoader', () => {
  let worker: FakeLoader;
  let main: FakeLoader;
  let logger: { log: jest.Mock; warn: jest.Mock };
  let loader: AdaptiveSessionLoader;

  beforeEach(() => {
    worker = new FakeLoader('worker');
    main = new FakeLoader('main');
    logger = { log: jest.fn(), warn: jest.fn() };
    loader = new AdaptiveSessionLoader(worker, main, { inlineMaxRunUs: 1000, logger });
  });

  const servedBy = async (session: AdaptiveSession) => (await session.run({}, ['y'])).y.data[0];

  async function runs(session: AdaptiveSession, n: number): Promise<void> {
    for (let i = 0; i < n; i++) await session.run({}, ['y']);
    await settle();
  }

  /** A session moved to the main thread by fast runs. */
  async function inline(): Promise<AdaptiveSession> {
    const session = await loader.load(MODEL, {});
    await runs(session, 32);
    expect(session.placement).toBe('main');
    return session;
  }

  it('loads every version in the worker first', async () => {
    const session = await loader.load(MODEL, { intraOpNumThreads: 1 });
    expect(session.placement).toBe('worker');
    expect([worker.loads, main.loads]).toEqual([1, 0]);
    expect(await servedBy(session)).toBe('worker');
  });

  it('moves to the main thread after 32 fast runs and releases the worker session', async () => {
    const session = await loader.load(MODEL, {});
    await runs(session, 31);
    expect(main.loads).toBe(0);
    await runs(session, 1);
    expect(session.placement).toBe('main');
    expect(await servedBy(session)).toBe('main');
    expect(worker.released).toBe(1);
    expect(logger.log).toHaveBeenCalledTimes(1);
    expect(logger.log).toHaveBeenCalledWith(`${MODEL}: runs take ~50 µs, computing on the main thread`);
  });

  it('keeps slow models in the worker', async () => {
    worker.runUs = 1500;
    const session = await loader.load(MODEL, {});
    await runs(session, 600);
    expect(session.placement).toBe('worker');
    expect(main.loads).toBe(0);
  });

  it('lets one slow warm-up run weigh 1/32 of the estimate', async () => {
    const session = await loader.load(MODEL, {});
    worker.runUs = 20_000;
    await runs(session, 1);
    worker.runUs = 300;
    await runs(session, 31);
    expect(session.placement).toBe('main');
    expect(logger.log).toHaveBeenCalledWith(`${MODEL}: runs take ~916 µs, computing on the main thread`);
  });

  it('moves back to the worker when inline runs turn slow, no sooner than 256 runs after the last move', async () => {
    const session = await inline();
    main.runUs = 4001;
    await runs(session, 255);
    expect(session.placement).toBe('main');
    expect(worker.loads).toBe(1);
    await runs(session, 1);
    expect(session.placement).toBe('worker');
    expect(main.released).toBe(1);
    expect(logger.log).toHaveBeenLastCalledWith(`${MODEL}: runs take ~4001 µs, moving to the worker thread`);
  });

  it('stays inline while runs are slower than inlineMaxRunUs but not 4 times slower', async () => {
    const session = await inline();
    main.runUs = 4000;
    await runs(session, 600);
    expect(session.placement).toBe('main');
    expect(worker.loads).toBe(1);
  });

  it('serves every request issued during a move, and releases the old session after its runs in flight', async () => {
    const session = await loader.load(MODEL, {});
    await runs(session, 31);
    const load = gate();
    main.loadGate = load.promise;
    await runs(session, 1); // the 32nd run starts the move
    expect(main.loads).toBe(1);

    const slow = gate();
    worker.runGate = slow.promise;
    const during = Array.from({ length: 10 }, () => servedBy(session));
    load.open();
    await settle();
    expect(session.placement).toBe('main');
    expect(await servedBy(session)).toBe('main');
    expect(worker.released).toBe(0); // ten runs still in flight on it

    slow.open();
    expect(await Promise.all(during)).toEqual(new Array(10).fill('worker'));
    await settle();
    expect(worker.released).toBe(1);
  });

  it('stays in the worker and logs when the main-thread load fails, retrying 256 runs later', async () => {
    main.failNextLoad = new Error('out of memory');
    const session = await loader.load(MODEL, {});
    await runs(session, 32);
    expect(session.placement).toBe('worker');
    expect(await servedBy(session)).toBe('worker');
    expect(logger.warn).toHaveBeenCalledWith(
      `${MODEL}: loading a session on the main thread failed, staying on the worker thread: out of memory`,
    );
    expect(worker.released).toBe(0);

    await runs(session, 254);
    expect(main.loads).toBe(1);
    await runs(session, 2);
    expect(main.loads).toBe(2);
    expect(session.placement).toBe('main');
  });

  it('releases both sides: the current session and one still loading', async () => {
    const session = await loader.load(MODEL, {});
    await runs(session, 31);
    const load = gate();
    main.loadGate = load.promise;
    await runs(session, 1);
    const released = session.release();
    load.open();
    await released;
    expect([worker.released, main.released]).toEqual([1, 1]);
    expect(session.placement).toBe('worker');
  });

  it('releases both sides once the runs in flight on a retiring session finish', async () => {
    const session = await loader.load(MODEL, {});
    await runs(session, 31);
    const slow = gate();
    worker.runGate = slow.promise;
    const held = servedBy(session);
    worker.runGate = undefined;
    await runs(session, 1); // the 32nd run to finish moves the session inline; `held` keeps the worker busy
    expect(session.placement).toBe('main');
    const done = jest.fn();
    const released = session.release().then(done);
    await settle();
    expect(done).not.toHaveBeenCalled();
    expect([worker.released, main.released]).toEqual([0, 0]);
    slow.open();
    expect(await held).toBe('worker');
    await released;
    expect([worker.released, main.released]).toEqual([1, 1]);
  });

  it('passes SessionLostError on (the version gets reloaded) and releases the session it was moving to', async () => {
    const session = await loader.load(MODEL, {});
    await runs(session, 31);
    const load = gate();
    main.loadGate = load.promise;
    await runs(session, 1);
    const lost = new SessionLostError('the inference worker exited with code 1');
    worker.runGate = Promise.reject(lost);
    worker.runGate.catch(() => undefined);
    await expect(session.run({}, ['y'])).rejects.toBe(lost);
    load.open();
    await settle();
    expect([worker.released, main.released]).toEqual([1, 1]);
  });

  it('closes both loaders', async () => {
    await loader.close();
    expect([worker.closed, main.closed]).toEqual([true, true]);
  });
});
