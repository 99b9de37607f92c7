import {
  maxHeaderSize,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { parseRequestHead, type RequestHead } from './request-head';

/** A request read by the lane's own connection handler: complete, body included. */
export interface LaneRequest {
  readonly url: string;
  readonly contentType: string;
  readonly authorization: string | undefined;
  readonly body: Buffer;
  /** Calls `listener` if the client goes away before the request is answered. */
  onClientGone(listener: () => void): void;
}

/**
 * What the lane answers; the connection handler frames it as Node's ServerResponse would. The content
 * type must be a valid header value (ServerResponse would throw on it; the lane checks it first).
 */
export interface LaneAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array | string;
}

/** The lane as the connection handler sees it. */
export interface ParsedLane {
  /** True when the lane serves this method, URL and content type (asked before the body is read). */
  accepts(method: string, url: string, contentType: string): boolean;
  answer(request: LaneRequest): Promise<LaneAnswer>;
}

export interface LaneConnectionsOptions {
  /** The largest body the lane reads itself; larger ones go to Node's server (Fastify's 413). */
  readonly bodyLimit: number;
  /** Node's own connection handling (http.Server's 'connection' listener): a socket, or any Duplex. */
  readonly handOver: (socket: Duplex) => void;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const REQUEST_TIMEOUT = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';
/** Bytes buffered from a client while its request is being answered before reading pauses. */
const MAX_BUFFERED = 256 * 1024;
const SWEEP_MS = 1000;

/**
 * Reads HTTP/1.1 requests off the server's connections before Node's HTTP parser does, and answers the
 * lane's requests without IncomingMessage, ServerResponse and their streams (about 15 µs of CPU per
 * request here, measured in docs/benchmarks.md). A request in the plain form (parseRequestHead: HTTP/1.1,
 * well-formed headers, a Host, at most a Content-Length for framing) goes
 * - to the lane, once complete, when the lane accepts its method, URL and content type and its body is
 *   within the limit (while the lane is attached and the server is not closing);
 * - otherwise to Node's HTTP server for that one request: its bytes are fed to Node's connection handling
 *   through a LentSocket, Node (Fastify, Nest) answers it through that, and the connection comes back
 *   here once the answer is written and the body passed on. A client can mix routes on one connection.
 * At a request in any other form (chunked, Expect, Upgrade, HTTP/1.0, a malformed or oversized head) the
 * connection, with every byte read and not answered, is handed to Node's connection handling for good,
 * which serves it exactly as it serves every other connection. Requests on one connection are answered
 * one at a time and in order.
 *
 * Timeouts are Node's: a connection idle for the server's keepAliveTimeout is closed, a request whose head
 * takes longer than headersTimeout or whose body takes longer than requestTimeout is answered 408 and the
 * connection closed (checked once a second, as Node checks them every connectionsCheckingInterval).
 * Servers with a socket timeout (server.timeout) or maxRequestsPerSocket are left to Node entirely.
 */
export class LaneConnections {
  private lane: ParsedLane | undefined;
  private closing = false;
  private readonly open = new Set<LaneConnection>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly server: Server,
    private readonly options: LaneConnectionsOptions,
  ) {}

  attach(lane: ParsedLane): void {
    this.lane = lane;
  }

  detach(): void {
    this.lane = undefined;
  }

  accept(socket: Socket): void {
    const { server } = this;
    if (!this.lane || this.closing || server.timeout > 0 || (server.maxRequestsPerSocket ?? 0) > 0) {
      this.options.handOver(socket);
      return;
    }
    socket.setNoDelay(true);
    const connection = new LaneConnection(socket, this);
    this.open.add(connection);
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
  }

  /**
   * Called by the server's request handler for every request Node's server parsed: one that came
   * through a LentSocket gives its connection back once its response is written.
   */
  observe(request: IncomingMessage, response: ServerResponse): void {
    if (request.socket instanceof LentSocket) request.socket.watch(response);
  }

  /** As server.closeIdleConnections: closes idle connections; busy ones close after their answer. */
  closeIdle(): void {
    this.closing = true;
    for (const connection of this.open) if (connection.idle) connection.socket.destroy();
  }

  closeAll(): void {
    this.closing = true;
    for (const connection of this.open) connection.socket.destroy();
  }

  /** @internal for LaneConnection: the lane, if it serves this request. */
  laneFor(head: RequestHead): ParsedLane | undefined {
    const lane = this.lane;
    if (
      !lane ||
      this.closing ||
      head.contentLength === undefined ||
      head.contentType === undefined ||
      head.contentLength > this.options.bodyLimit
    ) {
      return undefined;
    }
    return lane.accepts(head.method, head.url, head.contentType) ? lane : undefined;
  }

  /** @internal: `lane` (which took a request) is still attached and the server not closing. */
  serving(lane: ParsedLane): boolean {
    return this.lane === lane && !this.closing;
  }

  /** @internal */
  get isClosing(): boolean {
    return this.closing;
  }

  /** @internal */
  get maxHeaderSize(): number {
    // A server's own maxHeaderSize option, else the process-wide one (--max-http-header-size).
    return (this.server as { maxHeaderSize?: number }).maxHeaderSize ?? maxHeaderSize;
  }

  /** @internal */
  keepAliveHeader(): string {
    const timeout = this.server.keepAliveTimeout;
    return timeout
      ? `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(timeout / 1000)}\r\n`
      : 'Connection: keep-alive\r\n';
  }

  /** @internal: the connection leaves this handler (closed, or handed to Node's). */
  release(connection: LaneConnection): void {
    this.open.delete(connection);
    if (this.open.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** @internal */
  handOver(socket: Duplex): void {
    this.options.handOver(socket);
  }

  private sweep(): void {
    const now = Date.now();
    const { keepAliveTimeout, headersTimeout, requestTimeout } = this.server;
    for (const connection of this.open)
      connection.checkTimeouts(now, keepAliveTimeout, headersTimeout, requestTimeout);
  }
}

class LaneConnection {
  /** Bytes read and not yet taken, in arrival order (one chunk, unless a request is still arriving). */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Where the search for the end of the head resumes in `buffer`. */
  private scanned = 0;
  /** A lane request whose head is read and whose body is still arriving, with the lane that took it. */
  private reading: { head: RequestHead; headEnd: number; lane: ParsedLane } | undefined;
  /** A request is being answered (by the lane, or by Node's server through `lent`). */
  private busy = false;
  private lent: LentSocket | undefined;
  private released = false;
  /** When the current request's first byte arrived, and when the last answer went out. */
  private requestStarted = 0;
  private idleSince = Date.now();
  private goneListeners: (() => void)[] | undefined;

  constructor(
    readonly socket: Socket,
    private readonly owner: LaneConnections,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  get idle(): boolean {
    return !this.busy && this.buffered === 0;
  }

  checkTimeouts(now: number, keepAlive: number, headers: number, request: number): void {
    if (this.busy) return;
    if (this.buffered === 0) {
      if (keepAlive > 0 && now - this.idleSince >= keepAlive) this.socket.destroy();
      return;
    }
    const elapsed = now - this.requestStarted;
    if (
      (this.reading === undefined && headers > 0 && elapsed >= headers) ||
      (request > 0 && elapsed >= request)
    ) {
      this.socket.end(REQUEST_TIMEOUT, 'latin1');
      this.leave();
    }
  }

  private readonly onData = (chunk: Buffer): void => {
    const lent = this.lent;
    if (lent !== undefined && lent.bodyLeft > 0) {
      // The rest of a lent request's body goes to Node's server; what follows it stays here.
      const part = Math.min(lent.bodyLeft, chunk.length);
      lent.passBody(part === chunk.length ? chunk : chunk.subarray(0, part));
      if (part === chunk.length) return;
      chunk = chunk.subarray(part);
    }
    if (this.buffered === 0) this.requestStarted = Date.now();
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.busy) {
      if (this.buffered > MAX_BUFFERED) this.socket.pause();
      return;
    }
    this.next();
  };

  /** The buffered bytes as one Buffer; `fresh` when it was joined here (no socket read buffer). */
  private joined(): { buffer: Buffer; fresh: boolean } {
    if (this.chunks.length === 1) return { buffer: this.chunks[0]!, fresh: false };
    const buffer = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [buffer];
    return { buffer, fresh: true };
  }

  /** Takes the next request from the buffer: to the lane, lent to Node's server, or handed over. */
  private next(): void {
    if (this.buffered === 0) return;
    if (this.reading === undefined) {
      const { buffer } = this.joined();
      const end = buffer.indexOf(CRLFCRLF, Math.max(0, this.scanned - 3));
      if (end < 0) {
        this.scanned = buffer.length;
        if (buffer.length > this.owner.maxHeaderSize) this.handOver();
        return;
      }
      // A head over Node's limit goes to Node, which refuses it (431) as it refuses any other.
      const head =
        end + 4 > this.owner.maxHeaderSize ? null : parseRequestHead(buffer.toString('latin1', 0, end));
      if (!head) {
        this.handOver();
        return;
      }
      this.scanned = 0;
      const lane = this.owner.laneFor(head);
      if (lane === undefined) {
        this.lend(head, end + 4);
        return;
      }
      this.reading = { head, headEnd: end + 4, lane };
    }
    const { head, headEnd, lane } = this.reading;
    const total = headEnd + head.contentLength!;
    // A body still arriving is kept as its chunks and joined once, when complete.
    if (this.buffered < total) return;
    const { buffer, fresh } = this.joined();
    this.reading = undefined;
    // The lane may have been detached (or the server begun closing) while the body arrived.
    if (!this.owner.serving(lane)) {
      this.lend(head, headEnd);
      return;
    }
    // Never a view of a socket read buffer (as readBody): the body outlives it (it is logged after).
    let body = buffer.subarray(headEnd, total);
    if (!fresh) body = Buffer.from(body);
    this.consumed(total);
    this.busy = true;
    lane
      .answer({
        url: head.url,
        contentType: head.contentType!,
        authorization: head.authorization,
        body,
        onClientGone: (listener) => (this.goneListeners ??= []).push(listener),
      })
      .then(
        (answer) => this.respond(answer, head.close),
        () => this.socket.destroy(),
      );
  }

  /** Drops the first `bytes` of the buffer (a request taken). */
  private consumed(bytes: number): void {
    const { buffer } = this.joined();
    this.chunks = buffer.length > bytes ? [buffer.subarray(bytes)] : [];
    this.buffered = buffer.length - bytes;
    this.requestStarted = this.buffered === 0 ? 0 : Date.now();
  }

  private respond(answer: LaneAnswer, close: boolean): void {
    this.busy = false;
    this.goneListeners = undefined;
    if (this.released || this.socket.destroyed) return;
    const { socket } = this;
    const { status, contentType, body } = answer;
    const last = close || this.owner.isClosing;
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    const head =
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\ncontent-type: ${contentType}\r\n` +
      `content-length: ${length}\r\nDate: ${utcDate()}\r\n` +
      (last ? 'Connection: close\r\n' : this.owner.keepAliveHeader()) +
      '\r\n';
    const headLength = head.length;
    const out = Buffer.allocUnsafe(headLength + length);
    out.write(head, 0, 'latin1');
    if (typeof body === 'string') out.write(body, headLength, 'utf8');
    else out.set(body, headLength);
    if (last) {
      socket.end(out);
      this.leave();
      return;
    }
    socket.write(out);
    this.resume();
  }

  /** Ready for the next request (after an answer, or a lent request given back). */
  private resume(): void {
    this.idleSince = Date.now();
    if (this.socket.isPaused()) this.socket.resume();
    this.next();
  }

  /**
   * Lends one request (head and body, as far as read) to Node's HTTP server through a LentSocket; the
   * connection comes back here when Node has written the answer and been given the whole body, unless
   * Node closes it.
   */
  private lend(head: RequestHead, headEnd: number): void {
    const { buffer } = this.joined();
    const total = headEnd + (head.contentLength ?? 0);
    const now = Math.min(total, buffer.length);
    const lent = new LentSocket(this.socket, buffer.subarray(0, now), total - now, (keepOpen) => {
      this.lent = undefined;
      this.busy = false;
      if (!keepOpen || this.owner.isClosing) {
        this.socket.end();
        this.leave();
      } else if (!this.released) {
        this.resume();
      }
    });
    this.lent = lent;
    this.busy = true;
    this.consumed(now);
    this.owner.handOver(lent);
  }

  /** Gives the connection, and every byte read from it and not answered, to Node's HTTP server. */
  private handOver(): void {
    const { socket } = this;
    const unread = this.buffered > 0 ? this.joined().buffer : undefined;
    this.leave(true);
    if (unread) socket.unshift(unread);
    this.owner.handOver(socket);
    // Node's handler reads through its own 'data' listener; a pause of ours must not outlive it.
    if (socket.isPaused()) socket.resume();
  }

  /** Stops reading the connection: closing it, or (`handedOver`) because Node's server reads it now. */
  private leave(handedOver = false): void {
    if (this.released) return;
    this.released = true;
    this.chunks = [];
    this.buffered = 0;
    const { socket } = this;
    socket.removeListener('data', this.onData);
    socket.removeListener('end', this.onEnd);
    socket.removeListener('close', this.onClose);
    // A connection being closed may still fail (a reset): its errors stay handled until it is gone.
    if (handedOver) socket.removeListener('error', this.onError);
    this.owner.release(this);
  }

  /**
   * As Node's server does (httpAllowHalfOpen off): a client that ends its side has gone, and a request
   * it is waiting on is not answered; the connection is closed.
   */
  private readonly onEnd = (): void => {
    this.socket.end();
    this.gone();
  };

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onClose = (): void => this.gone();

  private gone(): void {
    const listeners = this.goneListeners;
    this.goneListeners = undefined;
    this.lent?.destroy();
    this.leave();
    if (listeners) for (const listener of listeners) listener();
  }
}

/**
 * One request of a LaneConnection, lent to Node's HTTP server: a Duplex whose readable side carries the
 * request's bytes and whose writes go to the client's socket. Once the response is finished and the
 * body fully passed on, the stream ends (Node's server lets it go) and the connection is given back, or
 * closed when Node ended the response with Connection: close. If Node destroys it before, the client's
 * connection is destroyed too.
 */
class LentSocket extends Duplex {
  private finished = false;
  private settled = false;

  constructor(
    private readonly client: Socket,
    first: Buffer,
    /** Body bytes still to come from the client after `first`. */
    public bodyLeft: number,
    private readonly giveBack: (keepOpen: boolean) => void,
  ) {
    super();
    this.push(first);
    this.once('close', () => {
      if (!this.settled) {
        this.settled = true;
        client.destroy();
      }
    });
  }

  // Node's server and Fastify read these from a request's socket.
  get remoteAddress(): string | undefined {
    return this.client.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.client.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.client.remoteFamily;
  }
  get localAddress(): string | undefined {
    return this.client.localAddress;
  }
  get localPort(): number | undefined {
    return this.client.localPort;
  }

  /** More of the request's body, as it arrives from the client. */
  passBody(bytes: Buffer): void {
    this.bodyLeft -= bytes.length;
    if (this.settled) return;
    this.push(bytes);
    this.maybeDone();
  }

  watch(response: ServerResponse): void {
    response.once('finish', () => {
      this.finished = true;
      this.maybeDone();
    });
  }

  override _read(): void {
    // Bytes are pushed as they arrive from the client.
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.client.write(chunk, encoding);
    callback();
  }

  override _final(callback: () => void): void {
    callback();
  }

  private maybeDone(): void {
    // Node's server ends its side after a response that closes the connection (before our 'finish'
    // listener runs); then the rest of the body need not be waited for.
    const keepOpen = !this.writableEnded;
    if (this.settled || !this.finished || (keepOpen && this.bodyLeft > 0)) return;
    this.settled = true;
    this.push(null);
    this.giveBack(keepOpen);
  }
}

let dateCache: string | undefined;

/** The Date header's value, as Node's ServerResponse computes it: once a second. */
function utcDate(): string {
  if (dateCache === undefined) {
    const now = new Date();
    dateCache = now.toUTCString();
    setTimeout(() => (dateCache = undefined), 1000 - now.getMilliseconds()).unref();
  }
  return dateCache;
}
