import { LookupCache, NOT_CACHED } from './lookup-cache';

describe('LookupCache', () => {
  it('serves a value for ttlMs, then loads again', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const cache = new LookupCache(1000);
      let loads = 0;
      const load = async () => ++loads;
      expect(await cache.get('k', load)).toBe(1);
      jest.setSystemTime(1_000_999);
      expect(await cache.get('k', load)).toBe(1);
      jest.setSystemTime(1_001_000);
      expect(await cache.get('k', load)).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('shares one load between concurrent misses', async () => {
    const cache = new LookupCache(1000);
    let loads = 0;
    const load = () => new Promise<number>((resolve) => setTimeout(() => resolve(++loads), 5));
    expect(await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)])).toEqual([
      1, 1, 1,
    ]);
  });

  it('forgets everything on clear, and never keeps a failed load', async () => {
    const cache = new LookupCache(1000);
    let loads = 0;
    expect(await cache.get('k', async () => ++loads)).toBe(1);
    cache.clear();
    expect(await cache.get('k', async () => ++loads)).toBe(2);
    await expect(cache.get('bad', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.get('bad', async () => 'ok')).toBe('ok');
  });

  it('is a pass-through with ttl 0', async () => {
    const cache = new LookupCache(0);
    let loads = 0;
    await cache.get('k', async () => ++loads);
    await cache.get('k', async () => ++loads);
    expect(loads).toBe(2);
  });

  it('peeks a resolved, fresh value without a promise; not before it resolves, once stale, cleared or failed', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const cache = new LookupCache(1000);
      expect(cache.peek('k')).toBe(NOT_CACHED);
      const loading = cache.get('k', async () => undefined);
      expect(cache.peek('k')).toBe(NOT_CACHED); // still loading: the caller must await get()
      await loading;
      expect(cache.peek('k')).toBeUndefined(); // a cached "not found" is an answer too
      jest.setSystemTime(1_000_999);
      expect(cache.peek('k')).toBeUndefined();
      jest.setSystemTime(1_001_000);
      expect(cache.peek('k')).toBe(NOT_CACHED);
      await cache.get('k', async () => 'again');
      expect(cache.peek('k')).toBe('again');
      cache.clear();
      expect(cache.peek('k')).toBe(NOT_CACHED);
      await expect(cache.get('bad', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
      expect(cache.peek('bad')).toBe(NOT_CACHED);
    } finally {
      jest.useRealTimers();
    }
  });

  it('peeks nothing with ttl 0', async () => {
    const cache = new LookupCache(0);
    await cache.get('k', async () => 1);
    expect(cache.peek('k')).toBe(NOT_CACHED);
  });
});
