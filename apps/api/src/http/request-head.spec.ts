import { parseRequestHead } from './request-head';

const head = (...lines: string[]) => lines.join('\r\n');
const PLAIN = [
  'POST /hopsworks-api/api/project/1/inference/models/mnist:predict HTTP/1.1',
  'Host: 127.0.0.1:8080',
  'Content-Type: application/json',
  'Content-Length: 77',
  'Authorization: Bearer abc.def.ghi',
];

describe('parseRequestHead', () => {
  it('reads the request line and the headers the lane needs, whatever their case and spacing', () => {
    expect(parseRequestHead(head(...PLAIN, 'X-Other: anything at all'))).toEqual({
      method: 'POST',
      url: '/hopsworks-api/api/project/1/inference/models/mnist:predict',
      contentLength: 77,
      contentType: 'application/json',
      authorization: 'Bearer abc.def.ghi',
      close: false,
    });
    const spaced = parseRequestHead(
      head(
        'POST /x?y=1 HTTP/1.1',
        'host:h',
        'CONTENT-TYPE:\t application/json; charset=utf-8 \t',
        'content-length:0',
        'connection: Close',
      ),
    );
    expect(spaced).toEqual({
      method: 'POST',
      url: '/x?y=1',
      contentLength: 0,
      contentType: 'application/json; charset=utf-8',
      authorization: undefined,
      close: true,
    });
    expect(parseRequestHead(head(...PLAIN, 'Connection: keep-alive'))?.close).toBe(false);
  });

  it('reads a head without a body or a content type', () => {
    expect(parseRequestHead(head('GET /health HTTP/1.1', 'Host: h'))).toEqual({
      method: 'GET',
      url: '/health',
      contentLength: undefined,
      contentType: undefined,
      authorization: undefined,
      close: false,
    });
  });

  it('keeps obs-text in a value (as Node does, read as latin1)', () => {
    expect(parseRequestHead(head(...PLAIN, 'X-Name: caf\u00e9'))).not.toBeNull();
  });

  it.each([
    ['HTTP/1.0', head('POST /x HTTP/1.0', ...PLAIN.slice(1))],
    ['HTTP/2 style', head('POST /x HTTP/2.0', ...PLAIN.slice(1))],
    ['a lower-case method', head('post /x HTTP/1.1', ...PLAIN.slice(1))],
    ['a space in the target', head('POST /x y HTTP/1.1', ...PLAIN.slice(1))],
    ['no Host', head(PLAIN[0]!, ...PLAIN.slice(2))],
    ['two Hosts', head(...PLAIN, 'Host: other')],
    ['two Content-Lengths', head(...PLAIN, 'Content-Length: 77')],
    ['a signed Content-Length', head(...PLAIN.slice(0, 3), 'Content-Length: +77')],
    ['a Content-Length list', head(...PLAIN.slice(0, 3), 'Content-Length: 77, 77')],
    ['a huge Content-Length', head(...PLAIN.slice(0, 3), 'Content-Length: 1234567890123456')],
    ['Transfer-Encoding', head(...PLAIN, 'Transfer-Encoding: chunked')],
    ['Expect', head(...PLAIN, 'Expect: 100-continue')],
    ['Upgrade', head(...PLAIN, 'Upgrade: websocket')],
    ['Connection: upgrade', head(...PLAIN, 'Connection: upgrade')],
    ['Connection: keep-alive, te', head(...PLAIN, 'Connection: keep-alive, TE')],
    ['two Authorizations', head(...PLAIN, 'Authorization: Bearer other')],
    ['two Content-Types', head(...PLAIN, 'Content-Type: text/plain')],
    ['a folded line', head(...PLAIN, 'X-A: one', ' two')],
    ['a space before the colon', head(...PLAIN, 'X-A : one')],
    ['an empty name', head(...PLAIN, ': one')],
    ['no colon', head(...PLAIN, 'X-A one')],
    ['a control character', head(...PLAIN, 'X-A: one\u0001two')],
    ['DEL in a value', head(...PLAIN, 'X-A: one\u007f')],
    ['a bare CR', head(...PLAIN, 'X-A: one\rtwo')],
    ['a bare LF', head(...PLAIN, 'X-A: one\ntwo')],
    ['more than 100 headers', head(...PLAIN, ...Array.from({ length: 97 }, (_, i) => `X-${i}: v`))],
  ])('leaves a head with %s to Node', (_, text) => {
    expect(parseRequestHead(text)).toBeNull();
  });

  it('takes exactly 100 headers', () => {
    expect(
      parseRequestHead(head(...PLAIN, ...Array.from({ length: 96 }, (_, i) => `X-${i}: v`))),
    ).not.toBeNull();
  });
});
