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

  /** Without allocating: counts the candidates, then walks them from this turn's starting point. */
  pick(tried?: ReadonlySet<BackendInstance>): BackendInstance | undefined {
    let untried = 0;
    let up = 0;
    for (const instance of this.instances) {
      if (tried?.has(instance)) continue;
      untried++;
      if (instance.state === 'up') up++;
    }
    const onlyUp = up > 0;
    const count = onlyUp ? up : untried;
    if (count === 0) return undefined;
    const start = this.turn++ % count;
    let best: BackendInstance | undefined;
    let bestRank = 0;
    let index = 0;
    for (const candidate of this.instances) {
      if (tried?.has(candidate) || (onlyUp && candidate.state !== 'up')) continue;
      // Its place in this turn's order: the candidate at `start` first, then the ones after it, wrapping.
      const rank = (index++ - start + count) % count;
      if (
        best === undefined ||
        candidate.outstanding < best.outstanding ||
        (candidate.outstanding === best.outstanding && rank < bestRank)
      ) {
        best = candidate;
        bestRank = rank;
      }
    }
    return best;
  }
}
