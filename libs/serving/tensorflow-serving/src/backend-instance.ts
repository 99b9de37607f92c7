import type { BackendHealthState } from '@infergate/serving-contract';
import type { Http1Pool } from './http1-pool';
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
    readonly pool: Http1Pool,
  ) {}

  get endpoint(): string {
    return this.target.endpoint;
  }
}
