import { PrettyJsonWriter } from '../json/pretty-json-writer';
import { type ModelVersion } from '../repository/model-version';

/**
 * GetModelStatusResponse as proto3 JSON (snake_case, int64 version as a string), versions in descending
 * order as TF Serving's std::greater map returns them.
 */
export function writeModelStatus(versions: readonly ModelVersion[]): string {
  const w = new PrettyJsonWriter();
  w.startObject();
  w.key('model_version_status');
  w.startArray();
  for (const v of [...versions].sort((a, b) => b.version - a.version)) {
    w.startObject();
    w.key('version');
    w.string(String(v.version));
    w.key('state');
    w.string(v.state);
    w.key('status');
    w.startObject();
    w.key('error_code');
    w.string(v.error === undefined ? 'OK' : 'UNKNOWN');
    w.key('error_message');
    w.string(v.error ?? '');
    w.endObject();
    w.endObject();
  }
  w.endArray();
  w.endObject();
  return w.toString();
}
