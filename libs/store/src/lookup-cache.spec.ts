import { LookupCache } from './lookup-cache';

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
});
