import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestError, RequestErrorCode } from './request.error';

/** Route config flag (set with @RouteConfig) for routes that take the body as the caller's bytes. */
export interface RawBodyRouteConfig {
  readonly rawBody?: boolean;
}

/**
 * One content-type parser for every request: Fastify buffers the body up to `bodyLimit` (413 beyond it,
 * checked against Content-Length up front and while reading). Inference routes get those bytes as they
 * are: never parsed or re-serialised, since TF Serving accepts NaN/Infinity tokens and int64s beyond 2^53
 * that JSON.parse would change, and the backend judges the JSON as Hopsworks lets TF Serving do.
 * Management routes get JSON or form-encoded bodies (Hopsworks' login is a form post) parsed.
 */
export function registerBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  const parser = (
    request: FastifyRequest,
    body: string | Buffer,
    done: (e: Error | null, b?: unknown) => void,
  ) => {
    try {
      done(null, decode(request, body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  // The same parser under its own media types too: Fastify caches the lookup by Content-Type value only
  // for parsers registered under a type, and parses the header anew on every request that falls through to
  // the catch-all (~1% of a proxied request's CPU).
  for (const type of ['application/json', 'application/x-www-form-urlencoded', '*'])
    fastify.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit }, parser);
}

function decode(request: FastifyRequest, raw: Buffer): unknown {
  if ((request.routeOptions.config as RawBodyRouteConfig | undefined)?.rawBody) return raw;
  if (raw.length === 0) return {};
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const text = raw.toString('utf8');
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new RequestError(RequestErrorCode.MALFORMED_BODY, `Malformed JSON: ${(error as Error).message}`);
    }
  }
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  throw new RequestError(RequestErrorCode.MALFORMED_BODY, `Unsupported content type: ${type || '(none)'}`);
}
