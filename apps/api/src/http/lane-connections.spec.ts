import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { LaneServer, type HttpLane } from './lane-server';
import type { LaneAnswer, LaneRequest } from './lane-connections';

/**
 * LaneConnections on a real http.Server (through LaneServer's factory, as the app builds it): what it
 * answers itself, what it hands to Node's HTTP server, and the connection's lifetime, read as raw bytes.
 */
class FakeLane implements HttpLane {
  readonly answered: LaneRequest[] = [];
  /** Requests Node's server gave to take() (handed over by LaneConnections). */
  readonly viaNode: string[] = [];
  hold: Promise<void> | undefined;

  accepts(method: string, url: string, contentType: string): boolean {
    return method === 'POST' && url.startsWith('/lane') && contentType === 'application/json';
  }

  async answer(request: LaneRequest): Promise<LaneAnswer> {
    this.answered.push(request);
    if (this.hold) await this.hold;
    return { status: 200, contentType: 'application/json', body: Buffer.from(`{"echo":${request.body}}`) };
  }

  take(request: IncomingMessage, response: ServerResponse): boolean {
    if (!request.url?.startsWith('/lane')) return false;
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', async () => {
      if (this.hold) await this.hold;
      this.viaNode.push(request.url!);
      const body = Buffer.from(`{"echo":${Buffer.concat(chunks).toString()}}`);
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      response.end(body);
    });
    return true;
  }
}

interface Setup {
  server: Server;
  lane: FakeLane;
  laneServer: LaneServer;
  port: number;
}

async function setup(
  parser: 'own' | 'node',
  tune: (server: Server) => void = () => undefined,
  bodyLimit = 1000,
): Promise<Setup> {
  const laneServer = new LaneServer(parser);
  const lane = new FakeLane();
  const fastify = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 9 });
    res.end('not found');
  };
  const server = laneServer.factory(
    fastify as never,
    { keepAliveTimeout: 72_000, bodyLimit } as never,
  ) as Server;
  tune(server);
  laneServer.attach(lane);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, lane, laneServer, port: (server.address() as AddressInfo).port };
}

const request = (path: string, body: string, extra = ''): string =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

/** A raw client: writes bytes, collects everything the server sends until it closes or `until` matches. */
class RawClient {
  readonly socket: Socket;
  received = '';
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => (this.received += d.toString('latin1')));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  /** `allowHalfOpen`: the client keeps its side open after the server closes its own. */
  static open(port: number, allowHalfOpen = false): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', allowHalfOpen }, () =>
        resolve(new RawClient(socket)),
      );
      socket.once('error', reject);
    });
  }

  async until(predicate: (received: string) => boolean, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline) throw new Error(`timed out; received so far:\n${this.received}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.received;
  }

  responses(): number {
    return this.received.split('HTTP/1.1 ').length - 1;
  }
}

const withoutDate = (text: string) => text.replace(/Date: [^\r]+\r\n/g, 'Date: <now>\r\n');

describe('LaneConnections', () => {
  let s: Setup;
  const clients: RawClient[] = [];
  const client = async () => {
    const c = await RawClient.open(s.port);
    clients.push(c);
    return c;
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.destroy();
    s.server.closeAllConnections();
    if (s.server.listening) await new Promise((resolve) => s.server.close(resolve));
  });

  it("answers a plain request itself, with the bytes Node's ServerResponse would send", async () => {
    const own = await setup('own');
    s = own;
    const a = await client();
    a.socket.write(request('/lane/1', '[1]'));
    const ownBytes = await a.until((r) => r.endsWith('{"echo":[1]}'));
    expect(own.lane.answered.map((r) => r.url)).toEqual(['/lane/1']);
    expect(own.lane.viaNode).toEqual([]);
    await new Promise((resolve) => own.server.close(resolve));
    a.socket.destroy();

    s = await setup('node');
    const b = await client();
    b.socket.write(request('/lane/1', '[1]'));
    const nodeBytes = await b.until((r) => r.endsWith('{"echo":[1]}'));
    expect(s.lane.viaNode).toEqual(['/lane/1']);
    expect(withoutDate(ownBytes)).toBe(withoutDate(nodeBytes));
    expect(withoutDate(ownBytes)).toBe(
      'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 12\r\nDate: <now>\r\n' +
        'Connection: keep-alive\r\nKeep-Alive: timeout=72\r\n\r\n{"echo":[1]}',
    );
  });

  it('reads a request that arrives a few bytes at a time, and keeps the connection for the next', async () => {
    s = await setup('own');
    const c = await client();
    const bytes = request('/lane/slow', '{"instances": [1, 2, 3]}');
    for (let i = 0; i < bytes.length; i += 7) {
      c.socket.write(bytes.slice(i, i + 7));
      await new Promise((r) => setTimeout(r, 2));
    }
    await c.until((r) => r.endsWith('{"echo":{"instances": [1, 2, 3]}}'));
    c.socket.write(request('/lane/again', '2'));
    await c.until((r) => r.endsWith('{"echo":2}'));
    expect(s.lane.answered.map((r) => r.url)).toEqual(['/lane/slow', '/lane/again']);
    expect(s.lane.answered[0]!.body.toString()).toBe('{"instances": [1, 2, 3]}');
  });

  it('joins a large body arriving in many chunks once, when it is complete', async () => {
    s = await setup('own', undefined, 8 * 1024 * 1024);
    const c = await client();
    const body = `[${'1,'.repeat(2_000_000)}1]`;
    const bytes = Buffer.from(request('/lane/big', body));
    for (let i = 0; i < bytes.length; i += 65536) c.socket.write(bytes.subarray(i, i + 65536));
    await c.until((r) => r.endsWith(`${body}}`), 10_000);
    expect(s.lane.answered).toHaveLength(1);
    expect(s.lane.answered[0]!.body.toString()).toBe(body);
  });

  it('answers pipelined requests one at a time, in order', async () => {
    s = await setup('own');
    let release!: () => void;
    s.lane.hold = new Promise((r) => (release = r));
    const c = await client();
    c.socket.write(request('/lane/1', '1') + request('/lane/2', '2') + request('/lane/3', '3'));
    await new Promise((r) => setTimeout(r, 50));
    expect(s.lane.answered.map((r) => r.url)).toEqual(['/lane/1']);
    s.lane.hold = undefined;
    release();
    await c.until((r) => r.endsWith('{"echo":3}'));
    expect(c.received.match(/\{"echo":\d\}/g)).toEqual(['{"echo":1}', '{"echo":2}', '{"echo":3}']);
  });

  it("hands the connection, with the bytes it has not answered, to Node's server at the first unusual request", async () => {
    s = await setup('own');
    const c = await client();
    const chunked =
      'POST /lane/chunked HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      'Transfer-Encoding: chunked\r\n\r\n3\r\n[7]\r\n0\r\n\r\n';
    c.socket.write(request('/lane/plain', '1') + chunked + request('/lane/after', '2'));
    await c.until((r) => r.endsWith('{"echo":2}'));
    expect(c.received.match(/\{"echo":[^}]*\}/g)).toEqual(['{"echo":1}', '{"echo":[7]}', '{"echo":2}']);
    expect(s.lane.answered.map((r) => r.url)).toEqual(['/lane/plain']);
    // Once handed over, the connection stays with Node's server.
    expect(s.lane.viaNode).toEqual(['/lane/chunked', '/lane/after']);
  });

  it("lends other requests to Node's server one at a time and takes the connection back after each", async () => {
    s = await setup('own');
    const c = await client();
    const get = 'GET /other HTTP/1.1\r\nHost: x\r\n\r\n';
    c.socket.write(request('/lane/1', '1') + get + request('/other', 'abc') + request('/lane/2', '2'));
    await c.until((r) => r.endsWith('{"echo":2}'));
    expect(c.received.match(/\{"echo":\d\}|not found/g)).toEqual([
      '{"echo":1}',
      'not found',
      'not found',
      '{"echo":2}',
    ]);
    expect(s.lane.answered.map((r) => r.url)).toEqual(['/lane/1', '/lane/2']);
    // Node's server saw the lent ones: a body over the lane's limit is lent too, its bytes passed on as
    // they arrive, and the connection comes back after it.
    const big = request('/lane/big', 'x'.repeat(1500));
    c.socket.write(big.slice(0, 700));
    await new Promise((r) => setTimeout(r, 20));
    c.socket.write(big.slice(700) + request('/lane/3', '3'));
    await c.until((r) => r.endsWith('{"echo":3}'));
    expect(s.lane.viaNode).toEqual(['/lane/big']);
    expect(c.received).toContain(`{"echo":${'x'.repeat(1500)}}`);
    expect(s.lane.answered.map((r) => r.url)).toEqual(['/lane/1', '/lane/2', '/lane/3']);
  });

  it("closes the connection when Node's server closes it after a lent request", async () => {
    s = await setup('own');
    const c = await client();
    c.socket.write('GET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await c.until(() => c.closed);
    expect(c.received).toMatch(/^HTTP\/1\.1 404 Not Found\r\n[^]*Connection: close\r\n[^]*not found$/);
  });

  it.each([
    [
      'HTTP/1.0',
      request('/lane/old', '1').replace('HTTP/1.1', 'HTTP/1.0'),
      /^HTTP\/1\.1 200 OK[^]*\{"echo":1\}$/,
    ],
    ['a malformed header', request('/lane/bad', '1', 'X-A: \u0001\r\n'), /^HTTP\/1\.1 400 Bad Request/],
    ['an oversized head', `POST /lane/h HTTP/1.1\r\nX-A: ${'a'.repeat(20_000)}\r\n`, /^HTTP\/1\.1 431 /],
    [
      'a complete head over the limit',
      request('/lane/h', '1', `X-A: ${'a'.repeat(20_000)}\r\n`),
      /^HTTP\/1\.1 431 /,
    ],
    [
      'Expect: 100-continue',
      request('/lane/expect', '1', 'Expect: 100-continue\r\n'),
      /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK[^]*\{"echo":1\}$/,
    ],
  ])('leaves %s to Node', async (_, bytes, expected) => {
    s = await setup('own');
    const c = await client();
    c.socket.write(bytes);
    await c.until((r) => expected.test(r));
    expect(s.lane.answered).toEqual([]);
  });

  it('closes after answering a request that says Connection: close', async () => {
    s = await setup('own');
    const c = await client();
    c.socket.write(request('/lane/1', '1', 'Connection: close\r\n'));
    await c.until(() => c.closed);
    expect(withoutDate(c.received)).toContain('\r\nConnection: close\r\n\r\n{"echo":1}');
    expect(c.received).not.toContain('Keep-Alive');
  });

  it('a client that resets its connection after a closing answer is no error', async () => {
    s = await setup('own');
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    try {
      const c = await RawClient.open(s.port, true);
      clients.push(c);
      c.socket.write(request('/lane/1', '1', 'Connection: close\r\n'));
      await c.until((r) => r.endsWith('{"echo":1}'));
      c.socket.resetAndDestroy();
      await new Promise((r) => setTimeout(r, 100));
      const d = await client(); // the server still answers
      d.socket.write(request('/lane/2', '2'));
      await d.until((r) => r.endsWith('{"echo":2}'));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(errors).toEqual([]);
  });

  it.each(['own', 'node'] as const)(
    '%s: a client that ends its side before the answer is gone: no answer, the connection closes',
    async (parser) => {
      s = await setup(parser);
      s.lane.hold = new Promise((r) => setTimeout(r, 100));
      const c = await client();
      c.socket.end(request('/lane/1', '1'));
      await c.until(() => c.closed);
      expect(c.received).toBe('');
    },
  );

  it('tells the lane when the client leaves before its answer', async () => {
    s = await setup('own');
    s.lane.hold = new Promise(() => undefined);
    const c = await client();
    let gone = false;
    c.socket.write(request('/lane/1', '1'));
    await c.until(() => s.lane.answered.length === 1);
    s.lane.answered[0]!.onClientGone(() => (gone = true));
    c.socket.destroy();
    const deadline = Date.now() + 2000;
    while (!gone && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(gone).toBe(true);
  });

  it("closes idle connections after the server's keepAliveTimeout, and answers a stalled head 408", async () => {
    s = await setup('own', (server) => {
      server.keepAliveTimeout = 300;
      server.headersTimeout = 300;
    });
    const idle = await client();
    idle.socket.write(request('/lane/1', '1'));
    await idle.until((r) => r.endsWith('{"echo":1}'));
    expect(idle.received).toContain('Keep-Alive: timeout=0');
    const stalled = await client();
    stalled.socket.write('POST /lane/2 HTTP/1.1\r\nHost: x\r\n');
    await idle.until(() => idle.closed, 4000);
    await stalled.until(() => stalled.closed, 4000);
    expect(stalled.received).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
  });

  it('on close: idle connections close at once, a busy one after its answer (Connection: close)', async () => {
    s = await setup('own');
    let release!: () => void;
    const idle = await client();
    idle.socket.write(request('/lane/1', '1'));
    await idle.until((r) => r.endsWith('{"echo":1}'));
    s.lane.hold = new Promise((r) => (release = r));
    const busy = await client();
    busy.socket.write(request('/lane/2', '2'));
    await busy.until(() => s.lane.answered.length === 2);
    s.laneServer.detach();
    const closed = new Promise((resolve) => s.server.close(resolve));
    await idle.until(() => idle.closed);
    expect(busy.closed).toBe(false);
    release();
    await busy.until(() => busy.closed);
    expect(busy.received).toMatch(/Connection: close\r\n\r\n\{"echo":2\}$/);
    await closed;
  });

  it('lends a request whose body was still arriving when the lane was detached', async () => {
    s = await setup('own');
    const c = await client();
    const bytes = request('/lane/1', '[1, 2, 3]');
    c.socket.write(bytes.slice(0, -4));
    await new Promise((r) => setTimeout(r, 20));
    s.laneServer.detach();
    c.socket.write(bytes.slice(-4));
    await c.until((r) => /404 Not Found[^]*not found$/.test(r));
    expect(s.lane.answered).toEqual([]);
  });

  it('hands every request to Node once the lane is detached', async () => {
    s = await setup('own');
    const c = await client();
    s.laneServer.detach();
    c.socket.write(request('/lane/1', '1'));
    await c.until((r) => /404 Not Found/.test(r));
    expect(s.lane.answered).toEqual([]);
  });
});
