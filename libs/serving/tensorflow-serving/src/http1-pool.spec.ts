import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  createServer as createTcpServer,
  type AddressInfo,
  type Server as TcpServer,
  type Socket,
} from 'node:net';
import { CallCancellation } from '@infergate/serving-contract';
import { ExchangeFailure, Http1Pool } from './http1-pool';

const listen = async <S extends Server | TcpServer>(server: S): Promise<S> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
};
const originOf = (server: Server | TcpServer) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const close = (server: Server | TcpServer) => new Promise((resolve) => server.close(resolve));

describe('Http1Pool against a Node HTTP server', () => {
  let server: Server;
  let pool: Http1Pool;
  let handle: (req: IncomingMessage, res: ServerResponse) => void;
  let requests = 0;
  let connections = 0;

  beforeAll(async () => {
    server = await listen(
      createServer((req, res) => {
        requests++;
        handle(req, res);
      }),
    );
    server.on('connection', () => connections++);
    pool = new Http1Pool(originOf(server), { connections: 2, keepAliveTimeoutMs: 4000 });
  });

  afterAll(async () => {
    await pool.close();
    server.closeAllConnections();
    await close(server);
  });

  const post = (body: Uint8Array, signal?: CallCancellation) =>
    pool.exchange({ method: 'POST', path: '/x', body, contentType: 'application/json' }, signal);

  it('collects a chunked body sent in many pieces, with the status and the first Content-Type in any case', async () => {
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

  it('sends the request as given and reports a missing Content-Type and an empty body', async () => {
    let received = '';
    let seen: IncomingMessage | undefined;
    handle = (req, res) => {
      seen = req;
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (received += chunk));
      req.on('end', () => {
        res.removeHeader('content-type');
        res.writeHead(400).end();
      });
    };
    const response = await post(Buffer.from('{"instances": [1.5]}'));
    expect(received).toBe('{"instances": [1.5]}');
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/x');
    expect(seen?.headers).toMatchObject({
      host: new URL(originOf(server)).host,
      'content-type': 'application/json',
      'content-length': '20',
    });
    expect(response).toEqual({ statusCode: 400, contentType: undefined, body: Buffer.alloc(0) });
    const get = await pool.exchange({ method: 'GET', path: '/v1/models/m?x=1' });
    expect(get.statusCode).toBe(400);
    expect(seen?.headers['content-length']).toBeUndefined();
  });

  it('hands out bodies that later reads on the same connections leave intact', async () => {
    // Content-Length bodies and chunked ones, each filled with its own letter.
    handle = (req, res) => {
      req.resume();
      const letter = req.url!.slice(1);
      if (letter < 'n') res.end(Buffer.alloc(3000, letter));
      else {
        res.write(Buffer.alloc(1000, letter));
        setImmediate(() => res.end(Buffer.alloc(2000, letter)));
      }
    };
    const ask = (letter: string) => pool.exchange({ method: 'GET', path: `/${letter}` });
    const first = await Promise.all([ask('a'), ask('z')]);
    const later = await Promise.all(['b', 'c', 'x', 'y', 'd', 'w'].map(ask));
    for (const [response, letter] of [
      ...first.map((r, i) => [r, 'az'[i]] as const),
      ...later.map((r, i) => [r, 'bcxydw'[i]] as const),
    ]) {
      expect(response.body.toString('latin1')).toBe(letter!.repeat(3000));
    }
  });

  it('keeps one connection for requests in turn, and at most `connections` for concurrent ones', async () => {
    handle = (req, res) => {
      req.resume();
      req.on('end', () => setTimeout(() => res.end('{}'), 20));
    };
    await post(Buffer.from('{}'));
    const before = connections;
    for (let i = 0; i < 5; i++) await post(Buffer.from('{}'));
    expect(connections).toBe(before);
    let inFlight = 0;
    let most = 0;
    handle = (req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      req.resume();
      setTimeout(() => {
        inFlight--;
        res.end('{}');
      }, 20);
    };
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(Buffer.from('{}'))));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(most).toBe(2);
  });

  it('opens a new connection after the server said Connection: close', async () => {
    handle = (req, res) => {
      req.resume();
      res.setHeader('connection', 'close');
      res.end('{}');
    };
    const fresh = new Http1Pool(originOf(server), { connections: 2, keepAliveTimeoutMs: 4000 });
    const before = connections;
    await fresh.exchange({ method: 'GET', path: '/a' });
    await fresh.exchange({ method: 'GET', path: '/b' });
    await fresh.close();
    expect(connections).toBe(before + 2);
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

  it('refuses a request target with spaces or control characters', async () => {
    const failure = await pool
      .exchange({ method: 'GET', path: '/x HTTP/1.1\r\nx: y' })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ phase: 'request', error: expect.any(TypeError) });
  });
});

/** Byte-exact responses from a raw TCP server: framing cases a Node HTTP server would not produce. */
describe('Http1Pool response framing', () => {
  let server: TcpServer;
  let respond: (socket: Socket, request: string) => void;
  let sockets: Socket[] = [];

  beforeAll(async () => {
    server = await listen(
      createTcpServer((socket) => {
        sockets.push(socket);
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk.toString('latin1');
          const end = text.indexOf('\r\n\r\n');
          if (end < 0) return;
          const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0);
          if (text.length < end + 4 + length) return;
          const request = text;
          text = '';
          respond(socket, request);
        });
        socket.on('error', () => undefined);
      }),
    );
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await close(server);
  });
  afterEach(() => {
    sockets = [];
  });

  const ask = async (pool: Http1Pool) => {
    try {
      return await pool.exchange({ method: 'POST', path: '/p', body: Buffer.from('{}') });
    } finally {
      await pool.close();
    }
  };
  const poolFor = () => new Http1Pool(originOf(server), { connections: 1, keepAliveTimeoutMs: 4000 });

  /** Writes the response a byte at a time, so every parser state meets a split. */
  const trickle = (socket: Socket, bytes: string) => {
    let at = 0;
    const next = () => {
      if (at >= bytes.length) return;
      socket.write(bytes[at++], 'latin1');
      setImmediate(next);
    };
    next();
  };

  it('skips 1xx interim responses and reads a response trickled a byte at a time', async () => {
    respond = (socket) =>
      trickle(
        socket,
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 7\r\nX-A: b\r\n\r\n{"a":1}',
      );
    const response = await ask(poolFor());
    expect(response.statusCode).toBe(200);
    expect(Buffer.from(response.body).toString()).toBe('{"a":1}');
  });

  it('reads chunked bodies with extensions and trailers, split anywhere', async () => {
    respond = (socket) =>
      trickle(
        socket,
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n' +
          '3;ext=1\r\n{"a\r\n5\r\n": 1}\r\n0\r\nX-Trailer: t\r\n\r\n',
      );
    const response = await ask(poolFor());
    expect(response).toMatchObject({ statusCode: 200, contentType: 'application/json' });
    expect(Buffer.from(response.body).toString()).toBe('{"a": 1}');
  });

  it('reads a body without length until the server closes, and does not reuse that connection', async () => {
    respond = (socket) => {
      socket.write('HTTP/1.1 200 OK\r\n\r\n{"until":');
      setTimeout(() => socket.end('"close"}'), 20);
    };
    const response = await ask(poolFor());
    expect(Buffer.from(response.body).toString()).toBe('{"until":"close"}');
  });

  it('reads an HTTP/1.0 answer and closes its connection unless it asked for keep-alive', async () => {
    const pool = poolFor();
    respond = (socket) => socket.write('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    await pool.exchange({ method: 'GET', path: '/a' });
    await pool.exchange({ method: 'GET', path: '/b' });
    expect(sockets).toHaveLength(2);
    await pool.close();
  });

  it('does not reuse a connection past the Keep-Alive timeout the server announced, less a second', async () => {
    const pool = poolFor();
    respond = (socket) =>
      socket.write('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\nContent-Length: 2\r\n\r\n{}');
    await pool.exchange({ method: 'GET', path: '/a' });
    await pool.exchange({ method: 'GET', path: '/b' });
    expect(sockets).toHaveLength(2);
    await pool.close();
  });

  it('fails a garbled status line as a protocol error before the headers (phase request)', async () => {
    respond = (socket) => socket.write('HTTP/1.1 2x0 OK\r\n\r\n');
    const failure = await ask(poolFor()).catch((e: unknown) => e);
    expect(failure).toMatchObject({ phase: 'request', error: { code: 'HPE_INVALID_RESPONSE' } });
  });

  it('fails a body cut short by the server (phase body) and a reset before any answer (phase request)', async () => {
    respond = (socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"a"');
      setTimeout(() => socket.destroy(), 10);
    };
    expect(await ask(poolFor()).catch((e: unknown) => e)).toMatchObject({ phase: 'body' });
    respond = (socket) => socket.destroy();
    const failure = await ask(poolFor()).catch((e: unknown) => e);
    expect(failure).toMatchObject({ phase: 'request', error: { code: 'ECONNRESET' } });
  });

  it('reports a refused connection with syscall connect, so the caller knows nothing was sent', async () => {
    const spare = await listen(createTcpServer());
    const origin = originOf(spare);
    await close(spare);
    const pool = new Http1Pool(origin, { connections: 1, keepAliveTimeoutMs: 4000 });
    const failure = await ask(pool).catch((e: unknown) => e);
    expect(failure).toMatchObject({ phase: 'request', error: { code: 'ECONNREFUSED', syscall: 'connect' } });
  });

  it('drops an idle connection the server closed, and lets close() wait for a request in flight', async () => {
    const pool = poolFor();
    respond = (socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    };
    await pool.exchange({ method: 'GET', path: '/a' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    respond = (socket) =>
      setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'), 30);
    const inFlight = pool.exchange({ method: 'GET', path: '/b' });
    const closed = pool.close();
    expect((await inFlight).statusCode).toBe(200);
    await closed;
    expect(sockets).toHaveLength(2);
    expect(await pool.exchange({ method: 'GET', path: '/c' }).catch((e: unknown) => e)).toMatchObject({
      phase: 'request',
    });
  });
});

describe('Http1Pool over TLS', () => {
  it('speaks HTTPS to an https origin, checking the certificate', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createServer: createHttpsServer } = await import('node:https');
    const dir = mkdtempSync(join(tmpdir(), 'http1-pool-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const cert = readFileSync(join(dir, 'cert.pem'));
      const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
        req.resume();
        res.setHeader('content-type', 'application/json');
        res.end(`{"secure": ${String((req.socket as import('node:tls').TLSSocket).encrypted)}}`);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const origin = `https://localhost:${(server.address() as AddressInfo).port}`;
      const trusting = new Http1Pool(origin, { connections: 1, keepAliveTimeoutMs: 4000, tls: { ca: cert } });
      const response = await trusting.exchange({ method: 'POST', path: '/p', body: Buffer.from('{}') });
      expect(Buffer.from(response.body).toString()).toBe('{"secure": true}');
      await trusting.close();
      const strict = new Http1Pool(origin, { connections: 1, keepAliveTimeoutMs: 4000 });
      const refused = await strict.exchange({ method: 'GET', path: '/p' }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ phase: 'request', error: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
      await strict.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
