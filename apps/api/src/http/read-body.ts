import type { IncomingMessage } from 'node:http';
import { RequestError, RequestErrorCode } from './request.error';

/**
 * Reads the whole request body, refusing more than `limit` bytes: up front from Content-Length, or as
 * soon as a chunked body crosses the limit, so an oversized upload is never buffered whole.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (declared > limit) throw tooLarge(declared, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(size, limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

function tooLarge(size: number, limit: number): RequestError {
  return new RequestError(
    RequestErrorCode.PAYLOAD_TOO_LARGE,
    `Request body of ${size}+ bytes exceeds the limit of ${limit} bytes`,
  );
}
