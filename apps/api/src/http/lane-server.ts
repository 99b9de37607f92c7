import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyServerFactory, FastifyServerOptions } from 'fastify';

/**
 * A route served on Node's HTTP server directly, ahead of Fastify and Nest. `take` answers the request
 * itself and returns true, or returns false (having touched nothing) to leave it to Fastify.
 */
export interface HttpLane {
  take(request: IncomingMessage, response: ServerResponse): boolean;
}

/**
 * Fastify's `serverFactory`: the HTTP/1.1 server Fastify itself would create, with its timeouts, whose
 * requests meet the attached lane first. Until a lane is attached (createApp does so once the app is
 * initialised) every request goes to Fastify.
 */
export class LaneServer {
  private lane: HttpLane | undefined;
  private server: Server | undefined;

  attach(lane: HttpLane): void {
    this.lane = lane;
  }

  /** From here on Fastify sees every request (while it closes it answers them 503, as it should). */
  detach(): void {
    this.lane = undefined;
  }

  /**
   * Fastify closes a server from its factory only if Fastify itself started it listening; a server that
   * a test (or supertest) started gets closed here, from Fastify's onClose hook.
   */
  close(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return Promise.resolve();
    server.closeIdleConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  readonly factory: FastifyServerFactory = (fastifyHandler, options) => {
    const {
      http: httpOptions,
      keepAliveTimeout,
      requestTimeout,
      connectionTimeout,
      maxRequestsPerSocket,
    } = options as FastifyServerOptions & { http?: object };
    const server: Server = createServer(
      httpOptions ?? {},
      (request: IncomingMessage, response: ServerResponse) => {
        if (this.lane?.take(request, response)) return;
        fastifyHandler(request, response);
      },
    );
    // As Fastify's own getServerInstance does with the (defaulted) options it passes here.
    if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
    if (requestTimeout !== undefined) server.requestTimeout = requestTimeout;
    if (connectionTimeout !== undefined) server.setTimeout(connectionTimeout);
    if (maxRequestsPerSocket) server.maxRequestsPerSocket = maxRequestsPerSocket;
    this.server = server;
    return server;
  };
}
