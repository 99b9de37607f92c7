import type { IncomingMessage } from 'node:http';
import { RequestError, RequestErrorCode } from './request.error';

/**
 * A request body as one Buffer, read as Fastify's raw-body parser reads it and failing with the errors
 * that parser raises (same messages, mapped to the same rows): 413 when Content-Length or the bytes
 * received pass `limit`, 400 when the bytes received differ from Content-Length or the stream fails.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']); // NaN when chunked
    if (declared > limit) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const settle = (error: RequestError | undefined) => {
      request.removeListener('data', onData);
      request.removeListener('end', onEnd);
      request.removeListener('error', onError);
      request.removeListener('close', onClose);
      if (error) reject(error);
      // Always a copy, as Fastify makes: never a view that keeps a socket read buffer alive.
      else resolve(Buffer.concat(chunks, received));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) settle(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () =>
      settle(
        !Number.isNaN(declared) && received !== declared
          ? new RequestError(
              RequestErrorCode.MALFORMED_BODY,
              'Request body size did not match Content-Length',
            )
          : undefined,
      );
    const onError = (error: Error) =>
      settle(new RequestError(RequestErrorCode.MALFORMED_BODY, error.message));
    const onClose = () =>
      settle(new RequestError(RequestErrorCode.MALFORMED_BODY, 'the client closed the connection'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

function tooLarge(): RequestError {
  return new RequestError(RequestErrorCode.PAYLOAD_TOO_LARGE, 'Request body is too large');
}
