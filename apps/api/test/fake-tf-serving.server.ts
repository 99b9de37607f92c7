import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAnswer {
  readonly status: number;
  readonly body: string;
  readonly delayMs?: number;
}

/**
 * A TF-Serving-shaped HTTP server for error-path tests: answers by the model name in the path, e.g.
 * `/v1/models/fail500:predict` → 500. It records what it received so tests can check passthrough.
 */
export class FakeTfServing {
  readonly received: { path: string; body: Buffer; contentType?: string }[] = [];
  /** Paths of requests whose connection closed before they were answered (the gateway gave up). */
  readonly cancelled: string[] = [];
  private server!: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  url = '';

  constructor(private readonly answers: Record<string, FakeAnswer>) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '';
        this.received.push({ path, body: Buffer.concat(chunks), contentType: req.headers['content-type'] });
        const name = /^\/v1\/models\/([^/:]+)/.exec(path)?.[1] ?? '';
        const answer = this.answers[name] ?? {
          status: 404,
          body: `{"error": "Servable not found for request: Latest(${name})"}`,
        };
        res.on('close', () => {
          if (!res.writableEnded) this.cancelled.push(path);
        });
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(answer.body);
        }, answer.delayMs ?? 0);
        this.timers.add(timer);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
