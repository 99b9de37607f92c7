import { BackendError, BackendErrorCode } from '@infergate/serving-contract';

/**
 * Node reports a connection that never came up with the syscall that failed: `connect` (refused,
 * unreachable host, connect timeout) or `getaddrinfo` (DNS). Nothing of the request was written then,
 * so another instance may take it. Anything else (ECONNRESET on `read`/`write`, a socket closed before the
 * answer) happened on an established socket after bytes may have gone out. Http1Pool reports its own
 * connect timeout as ETIMEDOUT with syscall `connect`.
 */
const PRE_SEND_SYSCALLS = new Set(['connect', 'getaddrinfo']);
const PRE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  // undici's connect timeout, for errors of clients other than Http1Pool
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface ErrnoLike {
  readonly code?: unknown;
  readonly syscall?: unknown;
  readonly errors?: unknown;
  readonly message?: unknown;
}

/** True when the connection failed before any byte of the request was sent, so a retry is safe. */
export function failedBeforeSend(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, syscall, errors } = error as ErrnoLike;
  // Node 20's happy-eyeballs connect (autoSelectFamily) wraps one error per address in an AggregateError.
  if (Array.isArray(errors) && errors.length > 0) return errors.every(failedBeforeSend);
  if (typeof syscall === 'string') return PRE_SEND_SYSCALLS.has(syscall);
  return typeof code === 'string' && PRE_SEND_CODES.has(code);
}

/** A short cause for messages: the errno code when there is one, else the error's message. */
export function describeCause(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { code, message } = error as ErrnoLike;
  const text = typeof message === 'string' && message !== '' ? message : undefined;
  if (typeof code === 'string' && text && !text.includes(code)) return `${code}: ${text}`;
  return text ?? (typeof code === 'string' ? code : String(error));
}

export type ExchangePhase = 'request' | 'body';

export interface FailureContext {
  readonly endpoint: string;
  readonly phase: ExchangePhase;
  readonly timeoutMs: number;
  readonly timedOut: boolean;
  readonly callerAborted: boolean;
}

/**
 * Maps a failed exchange to the contract's error codes. The abort state is checked first: undici
 * reports an aborted request with whatever reason the signal carried, which says nothing reliable.
 */
export function toBackendError(error: unknown, context: FailureContext): BackendError {
  const { endpoint } = context;
  if (context.timedOut) {
    return new BackendError(
      BackendErrorCode.TIMEOUT,
      `no answer from ${endpoint} within ${context.timeoutMs} ms`,
      {
        cause: error,
      },
    );
  }
  if (context.callerAborted) {
    return new BackendError(BackendErrorCode.ABORTED, `call to ${endpoint} was aborted by the caller`, {
      cause: error,
    });
  }
  const cause = describeCause(error);
  if (context.phase === 'body') {
    return new BackendError(
      BackendErrorCode.BAD_RESPONSE,
      `answer from ${endpoint} could not be read: ${cause}`,
      {
        cause: error,
      },
    );
  }
  const code = (error as ErrnoLike | null)?.code;
  // A status line or headers llhttp could not parse, or a body shorter than its content-length.
  if (
    typeof code === 'string' &&
    (code.startsWith('HPE_') || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH')
  ) {
    return new BackendError(
      BackendErrorCode.BAD_RESPONSE,
      `answer from ${endpoint} could not be read: ${cause}`,
      {
        cause: error,
      },
    );
  }
  if (failedBeforeSend(error)) {
    return new BackendError(BackendErrorCode.UNREACHABLE, `cannot connect to ${endpoint}: ${cause}`, {
      cause: error,
    });
  }
  return new BackendError(
    BackendErrorCode.UNREACHABLE,
    `connection to ${endpoint} failed after the request was sent (not retried): ${cause}`,
    { cause: error },
  );
}
