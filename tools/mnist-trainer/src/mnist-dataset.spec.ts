import { IMAGE_SIZE, loadMnistSplit } from './mnist-dataset';

describe('loadMnistSplit', () => {
  it('splits each digit into disjoint, fixed train and test slices', () => {
    const first = loadMnistSplit(0.8, 20);
    const second = loadMnistSplit(0.8, 20);
    expect(first.train.count).toBe(160);
    expect(first.test.count).toBe(40);
    // Same call, same data: nothing random in the split.
    expect(second.train.images).toEqual(first.train.images);
    expect(Array.from(first.test.labels.slice(0, 4))).toEqual([0, 0, 0, 0]);
    const trainRows = new Set<string>();
    for (let i = 0; i < first.train.count; i++)
      trainRows.add(first.train.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE).join());
    for (let i = 0; i < first.test.count; i++)
      expect(trainRows.has(first.test.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE).join())).toBe(
        false,
      );
  });
});
