import { RequestError } from '../http/request.error';
import { parseInferencePath } from './inference-path';

describe('parseInferencePath', () => {
  it.each([
    ['mnist:predict', { modelName: 'mnist', verb: 'predict' }],
    ['mnist/versions/3:classify', { modelName: 'mnist', version: 3, verb: 'classify' }],
    ['Model2:regress', { modelName: 'Model2', verb: 'regress' }],
    ['mnist', { modelName: 'mnist' }],
    ['mnist/versions/7', { modelName: 'mnist', version: 7 }],
  ])('parses %s', (path, expected) => {
    expect(parseInferencePath(path)).toEqual({ version: undefined, verb: undefined, ...expected });
  });

  it.each([
    'mnist:foo',
    'mnist:test',
    'mn-ist:predict',
    'mnist/versions/x:predict',
    'mnist/versions/:predict',
    '',
    'mnist:predict/x',
    'mnist/versions/99999999999:predict',
  ])('treats %s as no route', (path) => {
    expect(() => parseInferencePath(path)).toThrow(RequestError);
  });
});
