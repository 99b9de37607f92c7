import { parseModelConfig } from './model-config';

describe('parseModelConfig', () => {
  it('reads signatures and labels', () => {
    const config = parseModelConfig(
      JSON.stringify({
        signatures: {
          predict_images: { method: 'predict', inputs: { images: 'x' }, outputs: { scores: 'y' } },
        },
        labels: { stable: 3 },
      }),
    );
    expect(config.signatures).toEqual({
      predict_images: { method: 'predict', inputs: { images: 'x' }, outputs: { scores: 'y' } },
    });
    expect(config.labels.get('stable')).toBe(3);
    expect(parseModelConfig('{"labels": {}}').signatures).toBeNull();
  });

  it('names the field to fix', () => {
    expect(() => parseModelConfig('[]')).toThrow('config.json must be a JSON object');
    expect(() =>
      parseModelConfig('{"signatures": {"s": {"method": "score", "inputs": {}, "outputs": {}}}}'),
    ).toThrow('signature "s" has method "score"');
    expect(() => parseModelConfig('{"signatures": {"s": {"inputs": {"a": 1}, "outputs": {}}}}')).toThrow(
      'signature "s" inputs.a must be a string',
    );
    expect(() => parseModelConfig('{"labels": {"stable": 0}}')).toThrow(
      'label "stable" must name a positive integer version',
    );
  });
});
