import type { BackendHealthState } from '@infergate/serving-contract';
import type { Dispatcher } from 'undici';
import type { EndpointTarget } from './endpoint-config.validator';

/**
 * One TF Serving instance behind a backend. The only things that change while requests run are the
 * in-flight counter (for least-outstanding balancing) and the health verdict written by the monitor.
 */
export class BackendInstance {
  outstanding = 0;
  state: BackendHealthState = 'up';
  detail: string | undefined = 'not checked yet';

  constructor(
    readonly target: EndpointTarget,
    readonly dispatcher: Dispatcher,
  ) {}

  get endpoint(): string {
    return this.target.endpoint;
  }
}
