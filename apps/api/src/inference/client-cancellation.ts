import type { ServerResponse } from 'node:http';
import { CallCancellation } from '@infergate/serving-contract';

/**
 * A cancellation that fires when the client goes away before it was answered, so the backend call
 * stops. writableEnded (not writableFinished, which stays false while the socket still buffers output)
 * marks "we answered".
 */
export function cancelWhenClientLeaves(response: ServerResponse): CallCancellation {
  const clientGone = new CallCancellation();
  response.once('close', () => {
    if (!response.writableEnded) clientGone.cancel(new Error('the client closed the connection'));
  });
  return clientGone;
}
