import type { InferenceVerb, ModelRef } from './serving-backend';

/**
 * TF Serving's REST paths (see its api_rest.md). Names and labels are URL-encoded: TF Serving
 * URL-decodes them after matching its route regex.
 */
export function modelPath(model: ModelRef): string {
  let path = `/v1/models/${encodeURIComponent(model.name)}`;
  if (model.version !== undefined) path += `/versions/${model.version}`;
  else if (model.label !== undefined) path += `/labels/${encodeURIComponent(model.label)}`;
  return path;
}

export function inferencePath(model: ModelRef, verb: InferenceVerb): string {
  return `${modelPath(model)}:${verb}`;
}

export function metadataPath(model: ModelRef): string {
  return `${modelPath(model)}/metadata`;
}
