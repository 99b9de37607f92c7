import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallCancellation } from '@infergate/serving-contract';
import { Pool } from 'undici';
import { ExchangeFailure, bufferedExchange } from './buffered-exchange';

describe('bufferedExchange', () => {
  let server: Server;
  let pool: Pool;
  let handle: (req: IncomingMessage, res: ServerResponse) => void;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    await pool.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (body: Uint8Array, signal?: CallCancellation) =>
    bufferedExchange(
      pool,
      { method: 'POST', path: '/x', body, headers: { 'content-type': 'application/json' } },
      signal,
    );

  it('collects a body sent in many chunks, with the status and the first Content-Type in any case', async () => {
    const expected = Buffer.alloc(300_000);
    for (let i = 0; i < expected.length; i++) expected[i] = (i * 7) & 0xff;
    handle = (req, res) => {
      req.resume();
      res.writeHead(201, [
        ['CoNtEnT-TyPe', 'application/json; charset=utf-8'],
        ['content-type', 'text/plain'],
      ]);
      let at = 0;
      const next = () => {
        if (at >= expected.length) return res.end();
        res.write(expected.subarray(at, (at += 20_000)));
        setImmediate(next);
      };
      next();
    };
    const response = await post(Buffer.from('{}'));
    expect(response.statusCode).toBe(201);
    expect(response.contentType).toBe('application/json; charset=utf-8');
    expect(Buffer.compare(Buffer.from(response.body), expected)).toBe(0);
  });

  it('sends the request body as given and reports a missing Content-Type and an empty body', async () => {
    let received = '';
    handle = (req, res) => {
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (received += chunk));
      req.on('end', () => {
        res.removeHeader('content-type');
        res.writeHead(400).end();
      });
    };
    const response = await post(Buffer.from('{"instances": [1.5]}'));
    expect(received).toBe('{"instances": [1.5]}');
    expect(response).toEqual({ statusCode: 400, contentType: undefined, body: Buffer.alloc(0) });
  });

  it('fails before sending anything when the signal is already cancelled, with its reason', async () => {
    const signal = new CallCancellation();
    const reason = new Error('caller left');
    signal.cancel(reason);
    const before = requests;
    const failure = await post(Buffer.from('{}'), signal).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ExchangeFailure);
    expect(failure).toMatchObject({ phase: 'request', error: reason });
    expect(requests).toBe(before);
  });

  it('cancels waiting for headers (phase request) and while the body streams (phase body)', async () => {
    handle = (req) => req.resume(); // never answers
    const early = new CallCancellation();
    const waiting = post(Buffer.from('{}'), early).catch((e: unknown) => e);
    setTimeout(() => early.cancel(new Error('deadline')), 50);
    expect(await waiting).toMatchObject({ phase: 'request', error: new Error('deadline') });

    handle = (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"predictions": [');
    };
    const late = new CallCancellation();
    const streaming = post(Buffer.from('{}'), late).catch((e: unknown) => e);
    setTimeout(() => late.cancel(new Error('deadline')), 50);
    expect(await streaming).toMatchObject({ phase: 'body', error: new Error('deadline') });
  });

  it('stops listening to the signal once the exchange is over', async () => {
    handle = (req, res) => {
      req.resume();
      res.end('{}');
    };
    const signal = new CallCancellation();
    const added = jest.spyOn(signal, 'addEventListener');
    const removed = jest.spyOn(signal, 'removeEventListener');
    await post(Buffer.from('{}'), signal);
    expect(added).toHaveBeenCalledTimes(1);
    expect(removed).toHaveBeenCalledWith('abort', added.mock.calls[0][1]);
  });
});
