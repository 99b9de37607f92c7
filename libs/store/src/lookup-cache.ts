import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/** What `LookupCache.peek` (and the repositories' `peek…` methods) answer when the cache cannot. */
export const NOT_CACHED: unique symbol = Symbol('not cached');

interface Entry {
  readonly value: Promise<unknown>;
  readonly until: number;
  /** Set once `value` has resolved, so `peek` can answer without a promise. */
  settled: boolean;
  result: unknown;
}

/**
 * Short-lived cache for the lookups every inference request makes (project, membership, serving).
 * Any write through this process's store clears it (see InvalidateOnWritePlugin), so a change made here
 * applies to the next request; a change made by another replica applies within `ttlMs`. Values are
 * shared between callers: treat them as read-only. Concurrent misses share one load.
 */
export class LookupCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value as Promise<T>;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const entry: Entry = { value: load(), until: now + this.ttlMs, settled: false, result: undefined };
    this.entries.set(key, entry);
    entry.value.then(
      (result) => {
        entry.result = result;
        entry.settled = true;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value as Promise<T>;
  }

  /**
   * The value `get` would resolve to, when a load for `key` has resolved and is still fresh; else
   * NOT_CACHED (then call `get`). Lets the request path skip a promise and an await per lookup.
   */
  peek<T>(key: string): T | typeof NOT_CACHED {
    const hit = this.entries.get(key);
    if (!hit?.settled || hit.until <= Date.now()) return NOT_CACHED;
    return hit.result as T;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Clears the cache around every statement that is not a SELECT: before it runs (so no request caches
 * what is about to change) and after (so none keeps what a concurrent read loaded meanwhile). Hooked into
 * Kysely itself, so a repository added later cannot forget to invalidate.
 */
export class InvalidateOnWritePlugin implements KyselyPlugin {
  constructor(private readonly cache: LookupCache) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (args.node.kind !== 'SelectQueryNode') this.cache.clear();
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (args.result.numAffectedRows !== undefined || args.result.numChangedRows !== undefined)
      this.cache.clear();
    return args.result;
  }
}

const caches = new WeakMap<object, LookupCache>();

/** Registers the cache that belongs to a database handle (done once, by openStore). */
export function attachLookupCache(db: object, cache: LookupCache): void {
  caches.set(db, cache);
}

/** The cache of a database handle; a pass-through cache for handles openStore did not make. */
export function lookupCacheOf(db: object): LookupCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new LookupCache(0);
    caches.set(db, cache);
  }
  return cache;
}
