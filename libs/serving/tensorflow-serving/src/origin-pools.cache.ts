import { Http1Pool } from './http1-pool';

export interface OriginPoolsOptions {
  readonly connectionsPerOrigin: number;
  readonly keepAliveTimeoutMs: number;
}

interface Entry {
  readonly pool: Http1Pool;
  users: number;
}

/**
 * One Http1Pool per origin, shared by every backend the factory created for that origin: servings that
 * point at the same TF Serving reuse its keep-alive connections. Reference-counted so closing one backend
 * does not cut the connections of another.
 */
export class OriginPools {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: OriginPoolsOptions) {}

  acquire(origin: string): Http1Pool {
    let entry = this.entries.get(origin);
    if (!entry) {
      entry = {
        // One request per connection at a time: TF Serving's REST server answers them in turn, and
        // pipelining would only queue a request behind a slow inference on the same socket.
        pool: new Http1Pool(origin, {
          connections: this.options.connectionsPerOrigin,
          keepAliveTimeoutMs: this.options.keepAliveTimeoutMs,
        }),
        users: 0,
      };
      this.entries.set(origin, entry);
    }
    entry.users++;
    return entry.pool;
  }

  /** Gracefully closes the origin's pool once its last user is gone (in-flight requests complete). */
  async release(origin: string): Promise<void> {
    const entry = this.entries.get(origin);
    if (!entry) return;
    entry.users--;
    if (entry.users > 0) return;
    this.entries.delete(origin);
    await entry.pool.close();
  }

  async closeAll(): Promise<void> {
    const pools = [...this.entries.values()].map((entry) => entry.pool);
    this.entries.clear();
    // close() is idempotent: a pool already released closes once.
    await Promise.all(pools.map((pool) => pool.close()));
  }

  get size(): number {
    return this.entries.size;
  }
}
