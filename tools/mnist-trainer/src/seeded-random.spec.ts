import { SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = new SeededRandom(1);
    const b = new SeededRandom(1);
    const values = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(values);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(new SeededRandom(2).next()).not.toBe(values[0]);
  });

  it('draws roughly standard normals and shuffles to a permutation', () => {
    const rng = new SeededRandom(3);
    const normals = Array.from({ length: 20000 }, () => rng.normal());
    const mean = normals.reduce((s, v) => s + v, 0) / normals.length;
    const variance = normals.reduce((s, v) => s + (v - mean) ** 2, 0) / normals.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const order = Uint32Array.from({ length: 100 }, (_, i) => i);
    rng.shuffle(order);
    expect(Array.from(order).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(order)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
