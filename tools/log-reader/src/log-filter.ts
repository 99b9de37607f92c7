import type { InferenceLogRecord } from '@infergate/inference-log-schema';
import type { LogFilter } from './log-reader.options';

export function matches(record: InferenceLogRecord, filter: LogFilter): boolean {
  if (filter.model !== undefined && record.modelName !== filter.model) return false;
  if (filter.version !== undefined && record.modelVersion !== filter.version) return false;
  const status = filter.status;
  if (status) {
    if ('exact' in status && record.responseHttpCode !== status.exact) return false;
    if ('class' in status && Math.floor(record.responseHttpCode / 100) !== status.class) return false;
  }
  return true;
}
