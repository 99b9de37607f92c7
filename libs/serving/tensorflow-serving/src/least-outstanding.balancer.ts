import type { BackendInstance } from './backend-instance';

/**
 * Picks the instance with the fewest requests in flight, so a slow inference on one TF Serving does not
 * queue more work behind it. Instances marked down are skipped while any instance is up; when every
 * untried instance is down they are still tried (the verdict may be stale, and a refused connection
 * fails fast and is retried elsewhere).
 */
export class LeastOutstandingBalancer {
  /** Rotates the tie-break so idle instances share sequential traffic instead of the first taking all. */
  private turn = 0;

  constructor(private readonly instances: readonly BackendInstance[]) {}

  pick(tried: ReadonlySet<BackendInstance>): BackendInstance | undefined {
    const untried = this.instances.filter((instance) => !tried.has(instance));
    const up = untried.filter((instance) => instance.state === 'up');
    const candidates = up.length > 0 ? up : untried;
    if (candidates.length === 0) return undefined;
    const start = this.turn++ % candidates.length;
    let best = candidates[start];
    for (let i = 1; i < candidates.length; i++) {
      const candidate = candidates[(start + i) % candidates.length];
      if (candidate.outstanding < best.outstanding) best = candidate;
    }
    return best;
  }
}
