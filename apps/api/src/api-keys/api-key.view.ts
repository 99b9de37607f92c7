import type { ApiKeyRow } from '@infergate/store';

/** Hopsworks' ApiKeyDTO; `key` only in the answer that creates it. */
export interface ApiKeyView {
  readonly key?: string;
  readonly name: string;
  readonly prefix: string;
  readonly scope: readonly string[];
  readonly created: string;
  readonly modified: string;
}

export function toApiKeyView(row: ApiKeyRow, key?: string): ApiKeyView {
  return {
    ...(key === undefined ? {} : { key }),
    name: row.name,
    prefix: row.prefix,
    scope: row.scopes.split(',').filter((s) => s !== ''),
    created: new Date(row.created_at).toISOString(),
    modified: new Date(row.modified_at).toISOString(),
  };
}
