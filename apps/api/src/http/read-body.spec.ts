import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { RequestError, RequestErrorCode } from './request.error';
import { readBody } from './read-body';

/** A request body stream with the headers readBody reads. */
function incoming(headers: Record<string, string>): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers }) as unknown as PassThrough & IncomingMessage;
}

const failure = (code: RequestErrorCode, message: string) =>
  expect.objectContaining({ code, message }) as unknown as RequestError;

describe('readBody', () => {
  it('joins the chunks into one buffer of its own', async () => {
    const request = incoming({ 'content-length': '10' });
    const first = Buffer.from('{"a": ');
    const reading = readBody(request, 100);
    request.write(first);
    request.end(Buffer.from('[1]}'));
    const body = await reading;
    expect(body.toString()).toBe('{"a": [1]}');
    first.fill(0); // a copy: what the socket's chunk held later does not change it
    expect(body.toString()).toBe('{"a": [1]}');
  });

  it('refuses a declared length over the limit before reading anything (413)', async () => {
    const request = incoming({ 'content-length': '101' });
    await expect(readBody(request, 100)).rejects.toEqual(
      failure(RequestErrorCode.PAYLOAD_TOO_LARGE, 'Request body is too large'),
    );
    expect(request.listenerCount('data')).toBe(0);
  });

  it('stops at the limit while reading a body without a length (413)', async () => {
    const request = incoming({ 'transfer-encoding': 'chunked' });
    const reading = readBody(request, 10);
    request.write(Buffer.alloc(6));
    request.write(Buffer.alloc(6));
    await expect(reading).rejects.toEqual(
      failure(RequestErrorCode.PAYLOAD_TOO_LARGE, 'Request body is too large'),
    );
    expect(request.listenerCount('data')).toBe(0);
  });

  it('answers 400 for a body shorter than its Content-Length, a stream error or an early close', async () => {
    const short = incoming({ 'content-length': '5' });
    const reading = readBody(short, 100);
    short.end(Buffer.from('abc'));
    await expect(reading).rejects.toEqual(
      failure(RequestErrorCode.MALFORMED_BODY, 'Request body size did not match Content-Length'),
    );
    const broken = incoming({ 'content-length': '5' });
    const failing = readBody(broken, 100);
    broken.destroy(new Error('aborted'));
    await expect(failing).rejects.toEqual(failure(RequestErrorCode.MALFORMED_BODY, 'aborted'));
    const closed = incoming({ 'content-length': '5' });
    const closing = readBody(closed, 100);
    closed.destroy();
    await expect(closing).rejects.toEqual(
      failure(RequestErrorCode.MALFORMED_BODY, 'the client closed the connection'),
    );
  });
});
