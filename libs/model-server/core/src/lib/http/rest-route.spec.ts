import { type ServingError } from '../errors/serving-error';
import { routeRequest, urlUnescape } from './rest-route';

const failure = (method: string, path: string): ServingError => {
  try {
    routeRequest(method, path);
  } catch (error) {
    return error as ServingError;
  }
  throw new Error('routed');
};

describe("routeRequest (TF Serving's REST regexes)", () => {
  it('routes status, metadata and inference with versions and labels', () => {
    expect(routeRequest('GET', '/v1/models/m')).toEqual({ kind: 'status', model: 'm' });
    expect(routeRequest('GET', '/v1/models/m/versions/3')).toEqual({
      kind: 'status',
      model: 'm',
      version: 3,
    });
    expect(routeRequest('GET', '/v1/models/m/labels/stable/metadata')).toEqual({
      kind: 'metadata',
      model: 'm',
      label: 'stable',
    });
    expect(routeRequest('POST', '/V1/MODELS/m/versions/2:regress')).toEqual({
      kind: 'infer',
      verb: 'regress',
      model: 'm',
      version: 2,
    });
    expect(routeRequest('POST', '/v1/models/modelname%21%23:predict')).toMatchObject({
      model: 'modelname!#',
    });
    expect(routeRequest('GET', '/v2/models/m')).toEqual({ kind: 'not-dispatched' });
    expect(routeRequest('OPTIONS', '/v1/models/m:predict')).toEqual({ kind: 'cors-preflight' });
  });

  it('matches against the query string too, as TF Serving does', () => {
    expect(routeRequest('GET', '/v1/models/m?x=1')).toEqual({ kind: 'status', model: 'm?x=1' });
    expect(failure('POST', '/v1/models/m:predict?x=1').message).toBe(
      'Malformed request: POST /v1/models/m:predict?x=1',
    );
  });

  it("reports TF Serving's dispatch errors", () => {
    expect(failure('POST', '/v1/models/m:PREDICT').message).toBe(
      'Malformed request: POST /v1/models/m:PREDICT',
    );
    expect(failure('DELETE', '/v1/models/m').message).toBe('Malformed request: DELETE /v1/models/m');
    expect(failure('GET', '/v1/models').message).toBe('Missing model name in request.');
    const overflow = failure('GET', '/v1/models/m/versions/9223372036854775808');
    expect([overflow.message, overflow.emptyBody]).toEqual([
      'Failed to convert version: 9223372036854775808 to numeric.',
      true,
    ]);
    expect(routeRequest('GET', '/v1/models/m/versions/9223372036854775807')).toMatchObject({
      kind: 'status',
    });
  });

  it('unescapes like curl_easy_unescape', () => {
    expect(urlUnescape('a%20b+c')).toBe('a b+c');
    expect(urlUnescape('%C3%A9%zz%')).toBe('é%zz%');
  });
});
