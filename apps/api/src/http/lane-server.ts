import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyServerFactory, FastifyServerOptions } from 'fastify';
import { LaneConnections, type ParsedLane } from './lane-connections';

/**
 * A route served on Node's HTTP server directly, ahead of Fastify and Nest. `take` answers the request
 * itself and returns true, or returns false (having touched nothing) to leave it to Fastify. As a
 * ParsedLane it also answers requests that LaneConnections read off the socket itself.
 */
export interface HttpLane extends ParsedLane {
  take(request: IncomingMessage, response: ServerResponse): boolean;
}

/** Who reads the lane's requests: LaneConnections' own parser ('own') or Node's HTTP server ('node'). */
export type LaneParser = 'own' | 'node';

/**
 * Fastify's `serverFactory`: the HTTP/1.1 server Fastify itself would create, with its timeouts, whose
 * requests meet the attached lane first. With the 'own' parser its connections go to LaneConnections
 * first, which answers the lane's plain requests itself and hands every connection it does not serve to
 * the server's own connection handling. Until a lane is attached (createApp does so once the app is
 * initialised) every request goes to Fastify.
 */
export class LaneServer {
  private lane: HttpLane | undefined;
  private server: Server | undefined;
  private connections: LaneConnections | undefined;

  constructor(private readonly parser: LaneParser = 'own') {}

  attach(lane: HttpLane): void {
    this.lane = lane;
    this.connections?.attach(lane);
  }

  /** From here on Fastify sees every request (while it closes it answers them 503, as it should). */
  detach(): void {
    this.lane = undefined;
    this.connections?.detach();
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
      bodyLimit,
    } = options as FastifyServerOptions & { http?: object };
    const server: Server = createServer(
      httpOptions ?? {},
      (request: IncomingMessage, response: ServerResponse) => {
        this.connections?.observe(request, response);
        if (this.lane?.take(request, response)) return;
        fastifyHandler(request, response);
      },
    );
    // As Fastify's own getServerInstance does with the (defaulted) options it passes here.
    if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
    if (requestTimeout !== undefined) server.requestTimeout = requestTimeout;
    if (connectionTimeout !== undefined) server.setTimeout(connectionTimeout);
    if (maxRequestsPerSocket) server.maxRequestsPerSocket = maxRequestsPerSocket;
    if (this.parser === 'own') this.connections = ownConnections(server, bodyLimit ?? 1024 * 1024);
    this.server = server;
    return server;
  };
}

/**
 * Puts LaneConnections in front of the server's own 'connection' listener (Node's HTTP connection
 * handling), which then gets only the connections LaneConnections hands over; closeIdleConnections and
 * closeAllConnections (server.close() calls the former) reach both.
 */
function ownConnections(server: Server, bodyLimit: number): LaneConnections {
  const [nodeHandling] = server.listeners('connection') as ((socket: Duplex) => void)[];
  if (nodeHandling === undefined) throw new Error('http.Server without its connection listener');
  server.removeListener('connection', nodeHandling);
  const connections = new LaneConnections(server, {
    bodyLimit,
    handOver: (socket) => nodeHandling.call(server, socket),
  });
  server.on('connection', (socket: Socket) => connections.accept(socket));
  const closeIdle = server.closeIdleConnections.bind(server);
  const closeAll = server.closeAllConnections.bind(server);
  server.closeIdleConnections = () => {
    closeIdle();
    connections.closeIdle();
  };
  server.closeAllConnections = () => {
    closeAll();
    connections.closeAll();
  };
  return connections;
}
