import { connect, isIP, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import type { CancelSignal } from '@infergate/serving-contract';
import type { ExchangePhase } from './transport-error.mapper';

export interface BufferedResponse {
  readonly statusCode: number;
  /** The first Content-Type header's value, or undefined. */
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

/** Why an exchange failed, and whether that was before the response headers ('request') or after ('body'). */
export class ExchangeFailure {
  constructor(
    readonly phase: ExchangePhase,
    readonly error: unknown,
  ) {}
}

export interface ExchangeRequest {
  readonly method: 'GET' | 'POST';
  /** Origin-form request target (path and query), printable ASCII only. */
  readonly path: string;
  readonly body?: Uint8Array;
  /** Sent with a body. */
  readonly contentType?: string;
}

export interface Http1PoolOptions {
  /** Connections to the origin at most; further requests wait for one to be free. */
  readonly connections: number;
  /** An idle connection is closed after this long (sooner if the server's Keep-Alive header says so). */
  readonly keepAliveTimeoutMs: number;
  /** A connection not established within this long fails as a connect error (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** For https origins: trust settings beyond the system's CAs (tests use a self-signed `ca`). */
  readonly tls?: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized'>;
}

/** Errors shaped as Node's own socket errors, so that transport-error.mapper reads them alike. */
function protocolError(message: string): Error {
  return Object.assign(new Error(message), { code: 'HPE_INVALID_RESPONSE' });
}
function closedError(): Error {
  return Object.assign(new Error('other side closed'), { code: 'ECONNRESET' });
}

const MAX_HEAD_BYTES = 64 * 1024;
const CRLF2 = Buffer.from('\r\n\r\n');
/** Ask the server a second early: undici's margin against closing an idle socket as it is reused. */
const KEEP_ALIVE_MARGIN_MS = 1000;
const UNSAFE_TARGET = /[^\x21-\x7e]/;

/**
 * A keep-alive HTTP/1.1 client (plain or over TLS) for one origin, made for the gateway's backend calls: one request per
 * connection at a time (TF Serving's REST server answers them in turn), the request written with a single
 * socket write, the response parsed into one buffer (Content-Length, chunked, or until close; 1xx
 * skipped). Measured here, it costs the proxy path ~20 µs less CPU per request than undici's Pool with its
 * handler interface (tools/bench, docs/benchmarks.md). A connection is reused only after a complete
 * response that allows it, and not past its idle limit; a connect failure carries syscall `connect` (or
 * `getaddrinfo`), as Node reports it, so the caller knows nothing was sent.
 */
export class Http1Pool {
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private readonly secure: boolean;
  private readonly idle: Connection[] = [];
  private readonly waiting: Exchange[] = [];
  private readonly sweeper: NodeJS.Timeout;
  private open = 0;
  private closing: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  constructor(
    origin: string,
    private readonly options: Http1PoolOptions,
  ) {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`Http1Pool speaks http and https, not ${url.protocol}`);
    this.secure = url.protocol === 'https:';
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port || (this.secure ? 443 : 80));
    this.hostHeader = url.host;
    this.sweeper = setInterval(() => this.sweep(), Math.max(250, options.keepAliveTimeoutMs / 2));
    this.sweeper.unref();
  }

  /** One request; rejects with an ExchangeFailure (the signal's reason when it cancels). */
  exchange(request: ExchangeRequest, signal?: CancelSignal): Promise<BufferedResponse> {
    return new Promise((resolve, reject) => {
      if (this.closing) {
        reject(
          new ExchangeFailure('request', Object.assign(new Error('pool is closed'), { code: 'ECLOSED' })),
        );
        return;
      }
      if (UNSAFE_TARGET.test(request.path)) {
        reject(new ExchangeFailure('request', new TypeError(`invalid request target: ${request.path}`)));
        return;
      }
      const exchange = new Exchange(this.render(request), resolve, reject, signal, this);
      if (signal?.aborted) {
        exchange.fail(signal.reason);
        return;
      }
      signal?.addEventListener('abort', exchange.onCancel);
      this.dispatch(exchange);
    });
  }

  /** Lets requests in flight and waiting finish, then closes every connection. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      clearInterval(this.sweeper);
      this.drained = resolve;
      for (const connection of [...this.idle]) connection.destroy();
      this.checkDrained();
    });
    return this.closing;
  }

  private render(request: ExchangeRequest): Buffer {
    const { body } = request;
    const head =
      `${request.method} ${request.path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\nconnection: keep-alive\r\n` +
      (body
        ? `content-type: ${request.contentType ?? 'application/octet-stream'}\r\ncontent-length: ${body.byteLength}\r\n\r\n`
        : '\r\n');
    const headLength = head.length;
    const bytes = Buffer.allocUnsafe(headLength + (body ? body.byteLength : 0));
    bytes.write(head, 0, headLength, 'latin1');
    if (body) bytes.set(body, headLength);
    return bytes;
  }

  private dispatch(exchange: Exchange): void {
    const connection = this.takeIdle();
    if (connection) connection.run(exchange);
    else if (this.open < this.options.connections) this.connect().run(exchange);
    else this.waiting.push(exchange);
  }

  private takeIdle(): Connection | undefined {
    const now = Date.now();
    for (;;) {
      const connection = this.idle.pop();
      if (!connection) return undefined;
      if (connection.alive && now - connection.idleSince < connection.idleLimitMs) return connection;
      connection.destroy();
    }
  }

  private connect(): Connection {
    this.open++;
    const { host, port } = this;
    const socket = this.secure
      ? connectTls({
          host,
          port,
          servername: isIP(host) ? undefined : host,
          ALPNProtocols: ['http/1.1'],
          ...this.options.tls,
        })
      : connect({ host, port });
    socket.setNoDelay(true);
    return new Connection(
      socket,
      this.secure ? 'secureConnect' : 'connect',
      this.options.connectTimeoutMs ?? 10_000,
      this.options.keepAliveTimeoutMs,
      this,
    );
  }

  /** A connection finished its exchange and may be reused. */
  released(connection: Connection): void {
    const next = this.waiting.shift();
    if (next) {
      connection.run(next);
      return;
    }
    if (this.closing) {
      connection.destroy();
      return;
    }
    connection.idleSince = Date.now();
    this.idle.push(connection);
  }

  /** A connection is gone (closed, failed, or not reusable). */
  gone(connection: Connection): void {
    this.open--;
    const i = this.idle.indexOf(connection);
    if (i >= 0) this.idle.splice(i, 1);
    const next = this.waiting.shift();
    if (next) this.connect().run(next);
    this.checkDrained();
  }

  /** A waiting exchange was cancelled before it got a connection. */
  forget(exchange: Exchange): void {
    const i = this.waiting.indexOf(exchange);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  private sweep(): void {
    const now = Date.now();
    for (const connection of [...this.idle]) {
      if (now - connection.idleSince >= connection.idleLimitMs) connection.destroy();
    }
  }

  private checkDrained(): void {
    if (this.drained && this.open === 0 && this.waiting.length === 0) {
      this.drained();
      this.drained = undefined;
    }
  }
}

/** One request and its response, from the pool's queue to its settlement. */
class Exchange {
  connection: Connection | undefined;
  headersSeen = false;
  private settled = false;

  constructor(
    readonly bytes: Buffer,
    private readonly resolve: (response: BufferedResponse) => void,
    private readonly reject: (failure: ExchangeFailure) => void,
    private readonly signal: CancelSignal | undefined,
    private readonly pool: Http1Pool,
  ) {}

  get done(): boolean {
    return this.settled;
  }

  /** The signal's listener: stops the exchange where it is (the connection is not reusable then). */
  readonly onCancel = (): void => {
    const reason = this.signal?.reason;
    if (this.connection) this.connection.abort(reason);
    else {
      this.pool.forget(this);
      this.fail(reason);
    }
  };

  complete(response: BufferedResponse): void {
    if (this.settled) return;
    this.settled = true;
    this.signal?.removeEventListener('abort', this.onCancel);
    this.resolve(response);
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.signal?.removeEventListener('abort', this.onCancel);
    this.reject(new ExchangeFailure(this.headersSeen ? 'body' : 'request', error));
  }
}

const enum Body {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
}

/** One socket, running one exchange at a time, with the response parser's state. */
class Connection {
  idleSince = 0;
  idleLimitMs: number;
  private current: Exchange | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private socketError: Error | undefined;
  private destroyed = false;
  // Response parser state, reset per exchange.
  private state = Body.Head;
  private pending: Buffer | undefined;
  private statusCode = 0;
  private contentType: string | undefined;
  private keepAlive = true;
  private remaining = 0;
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly socket: Socket,
    connectedEvent: 'connect' | 'secureConnect',
    connectTimeoutMs: number,
    keepAliveTimeoutMs: number,
    private readonly pool: Http1Pool,
  ) {
    this.idleLimitMs = keepAliveTimeoutMs;
    this.connectTimer = setTimeout(() => {
      this.socket.destroy(
        Object.assign(new Error(`connect timed out after ${connectTimeoutMs} ms`), {
          code: 'ETIMEDOUT',
          syscall: 'connect',
        }),
      );
    }, connectTimeoutMs);
    socket.once(connectedEvent, () => {
      clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', (error: Error) => {
      this.socketError ??= error;
    });
    socket.on('close', () => this.onClose());
  }

  /** Not destroyed, and the server has not closed its side. */
  get alive(): boolean {
    return !this.destroyed;
  }

  run(exchange: Exchange): void {
    this.current = exchange;
    exchange.connection = this;
    this.state = Body.Head;
    this.pending = undefined;
    this.statusCode = 0;
    this.contentType = undefined;
    this.keepAlive = true;
    this.chunks = [];
    this.bytes = 0;
    this.socket.write(exchange.bytes);
  }

  abort(reason: unknown): void {
    const exchange = this.current;
    this.current = undefined;
    exchange?.fail(reason);
    this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.connectTimer);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (!this.current) {
      // Bytes nobody asked for: the connection's framing can no longer be trusted.
      this.destroy();
      return;
    }
    try {
      this.parse(chunk);
    } catch (error) {
      this.abort(error);
    }
  }

  private onEnd(): void {
    // The server closed its side: an idle connection is done at once (before anyone picks it again).
    if (!this.current) this.destroy();
    else if (this.state === Body.UntilClose) this.finish(false);
  }

  private onClose(): void {
    clearTimeout(this.connectTimer);
    this.destroyed = true;
    const exchange = this.current;
    this.current = undefined;
    if (exchange && !exchange.done) exchange.fail(this.socketError ?? closedError());
    this.pool.gone(this);
  }

  private parse(input: Buffer): void {
    let chunk: Buffer | undefined = input;
    while (chunk && chunk.length > 0 && this.current) {
      switch (this.state) {
        case Body.Head:
          chunk = this.parseHead(chunk);
          break;
        case Body.Length:
          chunk = this.collectCounted(chunk);
          if (this.remaining === 0) this.finish(chunk === undefined);
          break;
        case Body.ChunkSize:
        case Body.ChunkDataEnd:
        case Body.Trailers:
          chunk = this.parseChunkLine(chunk);
          break;
        case Body.ChunkData:
          chunk = this.collectCounted(chunk);
          if (this.remaining === 0) this.state = Body.ChunkDataEnd;
          break;
        case Body.UntilClose:
          this.collect(chunk);
          chunk = undefined;
          break;
      }
    }
    // Bytes beyond the response: not a connection to reuse.
    if (chunk && chunk.length > 0) this.destroy();
  }

  /** Status line and headers; returns the bytes after them. */
  private parseHead(chunk: Buffer): Buffer | undefined {
    const buffer = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const end = buffer.indexOf(CRLF2);
    if (end < 0) {
      if (buffer.length > MAX_HEAD_BYTES) throw protocolError('response head too large');
      this.pending = buffer;
      return undefined;
    }
    this.pending = undefined;
    const head = buffer.toString('latin1', 0, end);
    const rest = buffer.subarray(end + 4);
    // "HTTP/1.x SSS reason"
    if (!head.startsWith('HTTP/1.') || head.charCodeAt(8) !== 32) throw protocolError('invalid status line');
    const statusCode = Number(head.slice(9, 12));
    if (
      !(statusCode >= 100 && statusCode <= 999) ||
      (head.length > 12 && head.charCodeAt(12) !== 32 && head.charCodeAt(12) !== 13)
    )
      throw protocolError('invalid status code');
    if (statusCode < 200) return rest; // 1xx: the real response follows
    const http10 = head.charCodeAt(7) === 48; // '0'
    let contentLength = -1;
    let chunked = false;
    let connection: string | undefined;
    let keepAliveHint: string | undefined;
    let lineStart = head.indexOf('\r\n');
    while (lineStart >= 0) {
      const lineEnd = head.indexOf('\r\n', lineStart + 2);
      const lineAt = lineStart + 2;
      const line = head.slice(lineAt, lineEnd < 0 ? head.length : lineEnd);
      lineStart = lineEnd;
      const colon = line.indexOf(':');
      if (colon <= 0) throw protocolError('invalid header line');
      // Only names of the lengths asked for are lower-cased and compared.
      switch (colon) {
        case 12:
          if (this.contentType === undefined && line.slice(0, 12).toLowerCase() === 'content-type')
            // Decoded from the bytes, not sliced from `head`: V8 keeps a slice as a view of the whole head,
            // and the content type, travelling with the answer, kept it alive into the old generation
            // under load (sampled by PROFILE_ALLOCATIONS=survivors, docs/benchmarks.md).
            this.contentType = buffer.toString('latin1', lineAt + 13, lineAt + line.length).trim();
          break;
        case 14:
          if (line.slice(0, 14).toLowerCase() === 'content-length') {
            const value = line.slice(15).trim();
            if (!/^\d{1,15}$/.test(value) || (contentLength >= 0 && contentLength !== Number(value)))
              throw protocolError('invalid content-length');
            contentLength = Number(value);
          }
          break;
        case 17:
          if (line.slice(0, 17).toLowerCase() === 'transfer-encoding')
            chunked = line.slice(18).trim().toLowerCase().endsWith('chunked');
          break;
        case 10: {
          const name = line.slice(0, 10).toLowerCase();
          if (name === 'connection') connection = line.slice(11).trim().toLowerCase();
          else if (name === 'keep-alive') keepAliveHint = line.slice(11);
          break;
        }
      }
    }
    this.current!.headersSeen = true;
    this.statusCode = statusCode;
    this.keepAlive = http10 ? connection === 'keep-alive' : connection !== 'close';
    if (keepAliveHint) {
      const timeout = /timeout=(\d+)/i.exec(keepAliveHint);
      if (timeout)
        this.idleLimitMs = Math.min(this.idleLimitMs, Number(timeout[1]) * 1000 - KEEP_ALIVE_MARGIN_MS);
    }
    if (statusCode === 204 || statusCode === 304) {
      this.finish(rest.length === 0);
      return rest;
    }
    if (chunked) {
      this.state = Body.ChunkSize;
    } else if (contentLength >= 0) {
      this.state = Body.Length;
      this.remaining = contentLength;
      if (contentLength === 0) {
        this.finish(rest.length === 0);
        return rest;
      }
    } else {
      this.state = Body.UntilClose;
      this.keepAlive = false;
    }
    return rest;
  }

  /** A chunk-size line, the CRLF after a chunk's data, or a trailer line; returns the bytes after it. */
  private parseChunkLine(chunk: Buffer): Buffer | undefined {
    const buffer = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const end = buffer.indexOf('\r\n');
    if (end < 0) {
      if (buffer.length > MAX_HEAD_BYTES) throw protocolError('chunk line too long');
      this.pending = buffer;
      return undefined;
    }
    this.pending = undefined;
    const rest = buffer.subarray(end + 2);
    if (this.state === Body.ChunkDataEnd) {
      if (end !== 0) throw protocolError('missing CRLF after chunk data');
      this.state = Body.ChunkSize;
      return rest;
    }
    if (this.state === Body.Trailers) {
      if (end === 0) this.finish(rest.length === 0);
      return rest;
    }
    const line = buffer.toString('latin1', 0, end);
    const semicolon = line.indexOf(';');
    const sizeText = (semicolon < 0 ? line : line.slice(0, semicolon)).trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw protocolError('invalid chunk size');
    const size = parseInt(sizeText, 16);
    if (size === 0) this.state = Body.Trailers;
    else {
      this.state = Body.ChunkData;
      this.remaining = size;
    }
    return rest;
  }

  /** Collects the chunk up to the `remaining` bytes still expected; returns the bytes after those. */
  private collectCounted(chunk: Buffer): Buffer | undefined {
    const take = Math.min(this.remaining, chunk.length);
    this.remaining -= take;
    if (take === chunk.length) {
      this.collect(chunk);
      return undefined;
    }
    this.collect(chunk.subarray(0, take));
    return chunk.subarray(take);
  }

  private collect(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** The response is complete; `reusable` is false when bytes followed it. */
  private finish(reusable: boolean): void {
    const exchange = this.current!;
    this.current = undefined;
    exchange.connection = undefined;
    const { chunks } = this;
    const response: BufferedResponse = {
      statusCode: this.statusCode,
      contentType: this.contentType,
      body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.bytes),
    };
    this.chunks = [];
    // Released first: the pool may start a waiting exchange on this connection at once (resetting the state).
    if (reusable && this.keepAlive && !this.destroyed && this.idleLimitMs > 0) this.pool.released(this);
    else this.destroy();
    exchange.complete(response);
  }
}
