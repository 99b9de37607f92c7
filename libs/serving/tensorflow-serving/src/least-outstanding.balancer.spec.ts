import type { Http1Pool } from './http1-pool';
import { BackendInstance } from './backend-instance';
import { LeastOutstandingBalancer } from './least-outstanding.balancer';

function instances(count: number): BackendInstance[] {
  return Array.from(
    { length: count },
    (_, i) =>
      new BackendInstance(
        { endpoint: `http://tf${i}:8501`, origin: `http://tf${i}:8501`, basePath: '' },
        {} as Http1Pool,
      ),
  );
}

describe('LeastOutstandingBalancer', () => {
  it('picks the instance with the fewest requests in flight', () => {
    const [a, b, c] = instances(3);
    a.outstanding = 2;
    b.outstanding = 0;
    c.outstanding = 1;

    const balancer = new LeastOutstandingBalancer([a, b, c]);

    for (let i = 0; i < 3; i++) expect(balancer.pick(new Set())).toBe(b);
  });

  it('rotates between equally idle instances', () => {
    const all = instances(3);
    const balancer = new LeastOutstandingBalancer(all);

    expect([0, 1, 2, 3].map(() => balancer.pick(new Set()))).toEqual([all[0], all[1], all[2], all[0]]);
  });

  it('rotates between the idle instances that are up, skipping one marked down', () => {
    const [a, b, c] = instances(3);
    b.state = 'down';
    const balancer = new LeastOutstandingBalancer([a, b, c]);

    expect([0, 1, 2, 3].map(() => balancer.pick())).toEqual([a, c, a, c]);
  });

  it('skips instances marked down while one is up, tries them when none is', () => {
    const [a, b] = instances(2);
    a.state = 'down';
    const balancer = new LeastOutstandingBalancer([a, b]);

    expect(balancer.pick(new Set())).toBe(b);
    expect(balancer.pick(new Set([b]))).toBe(a);
    expect(balancer.pick(new Set([a, b]))).toBeUndefined();
  });
});
