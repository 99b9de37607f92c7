import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

export type FakeHandler = (request: RecordedRequest, response: ServerResponse) => void;

/**
 * Answers TF Serving's way (api_rest.md): pretty-printed JSON with bare NaN/Infinity tokens and
 * unquoted int64s, `{"error": ...}` bodies on 4xx/5xx, `content-type: application/json` always.
 */
export const PREDICT_ANSWER = Buffer.from(
  '{\n    "predictions": [NaN, Infinity, -Infinity, 9223372036854775807, -0.0, 1.43577434e+09\n    ]\n}',
);

export function tfJson(response: ServerResponse, status: number, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body);
}

export function tfError(response: ServerResponse, status: number, message: string): void {
  tfJson(response, status, `{\n    "error": ${JSON.stringify(message)}\n}`);
}

/** Default routes: a model `half_plus_two` (version 1 AVAILABLE), everything else "not found". */
function defaultHandler(request: RecordedRequest, response: ServerResponse): void {
  if (
    request.method === 'POST' &&
    /^\/v1\/models\/half_plus_two(\/versions\/1)?:predict$/.test(request.url)
  ) {
    return tfJson(response, 200, PREDICT_ANSWER);
  }
  if (request.method === 'GET' && request.url === '/v1/models/half_plus_two') {
    return tfJson(
      response,
      200,
      '{\n "model_version_status": [\n  {\n   "version": "1",\n   "state": "AVAILABLE",\n   "status": {\n    "error_code": "OK",\n    "error_message": ""\n   }\n  }\n ]\n}\n',
    );
  }
  if (request.method === 'GET' && request.url === '/v1/models') {
    return tfError(response, 400, 'Missing model name in request.');
  }
  const name = /^\/v1\/models\/([^/:]+)/.exec(request.url)?.[1] ?? '?';
  return tfError(response, 404, `Servable not found for request: Latest(${name})`);
}

export class FakeTfServing {
  readonly requests: RecordedRequest[] = [];
  /** Replace to script a test; `defaultHandler` answers like a TF Serving with half_plus_two loaded. */
  handler: FakeHandler = defaultHandler;
  private server: Server | undefined;
  private port = 0;

  static readonly defaultHandler = defaultHandler;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Requests other than the health checks' GETs (`/v1/models` or `/v1/models/{name}`, below any base path). */
  get calls(): RecordedRequest[] {
    return this.requests.filter(
      (request) => !(request.method === 'GET' && /\/v1\/models(\/[^/:]+)?$/.test(request.url)),
    );
  }

  async start(port = 0): Promise<this> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const recorded = {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks),
        };
        this.requests.push(recorded);
        this.handler(recorded, response);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A URL nobody listens on: bind a port, then free it. Connecting gets ECONNREFUSED. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
