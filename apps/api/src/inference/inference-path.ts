import type { InferenceVerb } from '@infergate/serving-contract';
import { RequestError, RequestErrorCode } from '../http/request.error';

export interface InferenceTarget {
  readonly modelName: string;
  readonly version?: number;
  /** Absent when the path has no verb: the service answers MISSING_VERB once the serving is found. */
  readonly verb?: InferenceVerb;
}

/**
 * Hopsworks' route: `models/{modelName: [a-zA-Z0-9]+}{version:(/versions/[0-9]+)?}{verb:((:predict|:classify|:regress))?}`.
 * A path outside it (an unknown verb such as `:foo`, a bad name) never reaches the resource there, so it
 * is a plain 404 here too.
 */
const ROUTE = /^([a-zA-Z0-9]+)(?:\/versions\/([0-9]+))?(?::(predict|classify|regress))?$/;

export function parseInferencePath(path: string): InferenceTarget {
  const match = ROUTE.exec(path);
  if (!match)
    throw new RequestError(RequestErrorCode.ROUTE_NOT_FOUND, `No inference route matches models/${path}`);
  const [, modelName, version, verb] = match;
  let parsedVersion: number | undefined;
  if (version !== undefined) {
    parsedVersion = Number(version);
    // Hopsworks parses with Integer.valueOf; beyond int32 it fails, and so does TF Serving's int64 check.
    if (!Number.isSafeInteger(parsedVersion) || parsedVersion > 2_147_483_647) {
      throw new RequestError(RequestErrorCode.ROUTE_NOT_FOUND, `Model version out of range: ${version}`);
    }
  }
  return { modelName, version: parsedVersion, verb: verb as InferenceVerb | undefined };
}
