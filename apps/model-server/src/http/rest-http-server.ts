import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorBody, type ModelServer } from '@infergate/model-server-core';

/**
 * The standalone server's HTTP layer: plain node:http (no framework, it must be cheap per request), the
 * body collected with a size limit (413 with TF Serving's `{"error": ...}` body), then one
 * ModelServer.handle() call.
 */
export class RestHttpServer {
  private readonly server: Server;

  constructor(
    private readonly modelServer: ModelServer,
    private readonly maxBodyBytes: number,
  ) {
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.keepAliveTimeout = 65_000;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Stops accepting connections and resolves once the requests in flight have been answered. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const declared = Number(req.headers['content-length']);
    if (declared > this.maxBodyBytes) {
      this.tooLarge(res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let rejected = false;
    req.on('data', (chunk: Buffer) => {
      if (rejected) return;
      size += chunk.length;
      if (size > this.maxBodyBytes) {
        rejected = true;
        this.tooLarge(res);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (rejected) return;
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      this.modelServer
        .handle({
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          body,
          headers: req.headers as Record<string, string | undefined>,
        })
        .then(
          (answer) => {
            res.writeHead(answer.status, { ...answer.headers, 'Content-Length': answer.body.length });
            res.end(answer.body);
          },
          (error: unknown) => {
            const payload = errorBody(error instanceof Error ? error.message : String(error));
            res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': payload.length });
            res.end(payload);
          },
        );
    });
  }

  private tooLarge(res: ServerResponse): void {
    const payload = errorBody(`Request body exceeds the limit of ${this.maxBodyBytes} bytes`);
    // The rest of the body is not read: close the connection after answering.
    res.writeHead(413, {
      'Content-Type': 'application/json',
      'Content-Length': payload.length,
      Connection: 'close',
    });
    res.end(payload);
  }
}
