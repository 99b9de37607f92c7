import { BackendErrorCode } from '@infergate/serving-contract';
import { failedBeforeSend, toBackendError } from './transport-error.mapper';

function errno(code: string, syscall?: string): Error {
  return Object.assign(new Error(`${syscall ?? 'x'} ${code} 10.0.0.1:8501`), { code, syscall });
}

const CONTEXT = {
  endpoint: 'http://tf:8501',
  phase: 'request',
  timeoutMs: 100,
  timedOut: false,
  callerAborted: false,
} as const;

describe('failedBeforeSend', () => {
  it.each([
    [errno('ECONNREFUSED', 'connect'), true],
    [errno('ETIMEDOUT', 'connect'), true],
    [errno('ENOTFOUND', 'getaddrinfo'), true],
    [errno('UND_ERR_CONNECT_TIMEOUT'), true],
    // Node 20 happy eyeballs: one error per address
    [
      Object.assign(
        new AggregateError([errno('ECONNREFUSED', 'connect'), errno('ECONNREFUSED', 'connect')]),
        { code: 'ECONNREFUSED' },
      ),
      true,
    ],
    [errno('ECONNRESET', 'read'), false],
    [errno('EPIPE', 'write'), false],
    [errno('UND_ERR_SOCKET'), false],
    ['ECONNREFUSED', false],
  ])('%s → %s', (error, expected) => {
    expect(failedBeforeSend(error)).toBe(expected);
  });
});

describe('toBackendError', () => {
  it('lets the abort state win over whatever undici threw', () => {
    expect(toBackendError(errno('ECONNRESET', 'read'), { ...CONTEXT, timedOut: true }).code).toBe(
      BackendErrorCode.TIMEOUT,
    );
    expect(toBackendError(new Error('aborted'), { ...CONTEXT, callerAborted: true }).code).toBe(
      BackendErrorCode.ABORTED,
    );
  });

  it('maps unreadable answers to BAD_RESPONSE and socket failures to UNREACHABLE', () => {
    expect(toBackendError(errno('UND_ERR_SOCKET'), { ...CONTEXT, phase: 'body' }).code).toBe(
      BackendErrorCode.BAD_RESPONSE,
    );
    expect(toBackendError(errno('HPE_INVALID_CONSTANT'), CONTEXT).code).toBe(BackendErrorCode.BAD_RESPONSE);
    const refused = toBackendError(errno('ECONNREFUSED', 'connect'), CONTEXT);
    expect(refused.code).toBe(BackendErrorCode.UNREACHABLE);
    expect(refused.message).toBe('cannot connect to http://tf:8501: connect ECONNREFUSED 10.0.0.1:8501');
  });
});
