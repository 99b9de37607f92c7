import { HttpException, Logger, NotFoundException } from '@nestjs/common';
import { InferenceError, InferenceErrorCode } from '../inference/inference.error';
import { errorResponse } from './error-response';

/** Fastify's own errors, shaped as @fastify/error makes them. */
const fastifyError = (code: string, statusCode: number, message: string) =>
  Object.assign(new Error(message), { code, statusCode });

describe('errorResponse', () => {
  it('maps a domain error through its catalogue row, its message as usrMsg', () => {
    expect(errorResponse(new InferenceError(InferenceErrorCode.SERVING_NOT_FOUND, 'name: x'))).toEqual({
      status: 404,
      body: { errorCode: 250000, errorMsg: 'Serving instance not found', usrMsg: 'name: x' },
    });
  });

  it("unwraps Fastify's 4xx errors that Nest hands over inside an HttpException", () => {
    const tooLarge = new HttpException('Request body is too large', 413, {
      cause: fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large'),
    });
    expect(errorResponse(tooLarge)).toEqual({
      status: 413,
      body: { errorCode: 120004, errorMsg: 'Request body too large', usrMsg: 'Request body is too large' },
    });
    const unreadable = new HttpException('x', 400, {
      cause: fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'Request body size did not match'),
    });
    expect(errorResponse(unreadable)).toMatchObject({ status: 400, body: { errorCode: 120001 } });
    const badType = fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'Unsupported Media Type');
    expect(errorResponse(badType)).toMatchObject({ status: 415, body: { errorCode: 120001 } });
  });

  it("keeps Nest's own 4xx statuses, and 404 gets the route-not-found row", () => {
    expect(errorResponse(new NotFoundException('Cannot POST /x'))).toMatchObject({
      status: 404,
      body: { errorCode: 120004, errorMsg: 'Not found', usrMsg: 'Cannot POST /x' },
    });
    expect(errorResponse(new HttpException('Method Not Allowed', 405))).toMatchObject({ status: 405 });
  });

  it('answers anything else 500 with a reference that the log line carries too', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { status, body } = errorResponse(new TypeError('boom'));
    expect(status).toBe(500);
    const reference = /reference ([0-9a-f-]{36})$/.exec(body.usrMsg)?.[1];
    expect(reference).toBeDefined();
    expect(String(logged.mock.calls[0][0])).toContain(reference);
    logged.mockRestore();
  });
});
