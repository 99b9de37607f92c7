import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { RouteAccess, type RoutePolicy } from '@infergate/auth';
import { CallCancellation } from '@infergate/serving-contract';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { errorResponse } from '../errors/error-response';
import { API_BASE } from '../http/api-base';
import type { LaneAnswer, LaneRequest } from '../http/lane-connections';
import type { HttpLane } from '../http/lane-server';
import { readBody } from '../http/read-body';
import { MetricsService } from '../metrics/metrics.service';
import type { HistogramSeries } from '../metrics/series-histogram';
import { cancelWhenClientLeaves } from './client-cancellation';
import { InferenceController } from './inference.controller';
import { parseInferencePath } from './inference-path';
import { InferenceService } from './inference.service';

/** Characters ServerResponse refuses in a header value (it throws ERR_INVALID_CHAR). */
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** The route pattern as Fastify reports it for InferenceController.infer (the metrics label). */
const ROUTE = `/${API_BASE}/project/:projectId/inference/models/*`;

/**
 * The URLs the lane takes: a decimal project id and a model path made of the route's own characters,
 * then the end or a query string (ignored, as Fastify ignores it). Anything else (percent-escapes, other
 * characters, an id find-my-way might not match) goes to Fastify, whose router decodes it.
 */
const LANE_URL = new RegExp(`^/${API_BASE}/project/([0-9]{1,15})/inference/models/([A-Za-z0-9:/]*)(?:\\?|$)`);

/** Content types the lane takes; Fastify parses any other (and answers 415 for an invalid one). */
const JSON_TYPES = new Set([
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=utf-8',
]);

/**
 * The inference route served ahead of Fastify's router and Nest's pipeline (which cost ~25% of the
 * gateway's CPU per proxied request: alternated runs in docs/benchmarks.md), for requests read by
 * LaneConnections (`answer`) or by Node's HTTP server (`take`). It does what InferenceController's route
 * does, with the same parts in the same order: the body read as Fastify reads it (413 first), the
 * controller's own access rules through RouteAccess (AuthGuard, then ProjectRoleGuard), the path parsed,
 * the same InferenceService call, errors through errorResponse (the one mapping) and the request counted
 * under the same route label. Requests it does not take, being unusual (see LANE_URL, JSON_TYPES, no
 * body), go to the controller; the parity e2e test asks both for the same things and compares the answers.
 */
@Injectable()
export class InferenceLane implements HttpLane {
  private readonly policy: RoutePolicy;
  private readonly bodyLimit: number;
  private readonly series = new Map<number, HistogramSeries>();

  constructor(
    private readonly access: RouteAccess,
    private readonly inference: InferenceService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.policy = access.policyOf(InferenceController.prototype.infer, InferenceController);
    this.bodyLimit = config.http.maxRequestBytes;
  }

  take(request: IncomingMessage, response: ServerResponse): boolean {
    const { headers } = request;
    const type = headers['content-type'];
    if (type === undefined || !this.accepts(request.method ?? '', request.url ?? '', type)) return false;
    // No length and not chunked: Fastify hands such a request to the handler without a body.
    if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) return false;
    this.serve(request, response).catch(() => response.destroy());
    return true;
  }

  /** The method, URL and content type the lane takes (LaneConnections asks before reading the body). */
  accepts(method: string, url: string, contentType: string): boolean {
    return method === 'POST' && LANE_URL.test(url) && JSON_TYPES.has(contentType.toLowerCase());
  }

  async answer(request: LaneRequest): Promise<LaneAnswer> {
    const started = performance.now();
    const [projectId, path] = target(request.url);
    const clientGone = new CallCancellation();
    request.onClientGone(() => clientGone.cancel(new Error('the client closed the connection')));
    const answer = await this.respond(request.authorization, projectId, path, request.body, clientGone);
    this.observe(answer.status, started);
    return answer;
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const [projectId, path] = target(request.url!);
    let answer: LaneAnswer;
    let bodyRead = false;
    try {
      const body = await readBody(request, this.bodyLimit);
      bodyRead = true;
      answer = await this.respond(
        request.headers['authorization'],
        projectId,
        path,
        body,
        cancelWhenClientLeaves(response),
      );
    } catch (error) {
      answer = failure(error);
    }
    if (!response.headersSent) {
      response.writeHead(answer.status, {
        'content-type': answer.contentType,
        'content-length':
          typeof answer.body === 'string' ? Buffer.byteLength(answer.body) : answer.body.byteLength,
        // As Fastify does, the connection closes after a body it could not read (the client may still be
        // sending it).
        ...(bodyRead ? {} : { connection: 'close' }),
      });
      response.end(answer.body);
    } else {
      response.end();
    }
    this.observe(answer.status, started);
  }

  /** Everything after the body is read: access, the backend call, the answer or the error's answer. */
  private async respond(
    authorization: string | undefined,
    projectId: string,
    path: string,
    body: Buffer,
    cancellation: CallCancellation,
  ): Promise<LaneAnswer> {
    try {
      const authorizing = this.authorize(authorization, projectId);
      if (authorizing) await authorizing;
      const target = parseInferencePath(path);
      const answer = await this.inference.infer(Number(projectId), target, body, cancellation);
      if (INVALID_HEADER_CHAR.test(answer.contentType)) {
        throw new TypeError(`Invalid character in header content ["content-type"]: ${answer.contentType}`);
      }
      return { status: 200, contentType: answer.contentType, body: answer.body };
    } catch (error) {
      return failure(error);
    }
  }

  /** Counts the request as the controller's route is counted (its series kept per status). */
  private observe(status: number, started: number): void {
    let series = this.series.get(status);
    if (!series) this.series.set(status, (series = this.metrics.httpSeries('POST', ROUTE, status)));
    series.observe((performance.now() - started) / 1000);
  }

  /**
   * AuthGuard, then ProjectRoleGuard, as the controller's decorators set them. Synchronous (nothing to
   * await, or a throw) for a JWT whose project lookups are cached, as on nearly every request.
   */
  private authorize(header: string | undefined, projectId: string): void | Promise<void> {
    const { isPublic, projectRoles } = this.policy;
    if (isPublic) return;
    const principal = this.access.authenticate(header, this.policy);
    if (principal instanceof Promise) {
      return principal.then((caller) => {
        if (projectRoles) return this.access.checkProject(caller, projectId, projectRoles);
      });
    }
    if (projectRoles) return this.access.checkProject(principal, projectId, projectRoles);
  }
}

/** An error as ApiExceptionFilter answers it: errorResponse's row, as a JSON string body. */
function failure(error: unknown): LaneAnswer {
  const { status, body } = errorResponse(error);
  // Fastify sends the filter's string body with the charset added.
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) };
}

/** The project id and model path of a URL the lane accepted. */
function target(url: string): [projectId: string, path: string] {
  const [, projectId, path] = LANE_URL.exec(url)!;
  return [projectId!, path!];
}
