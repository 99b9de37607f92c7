import { ServingError } from '../errors/serving-error';

export type RestRoute =
  | { readonly kind: 'not-dispatched' }
  | { readonly kind: 'cors-preflight' }
  | {
      readonly kind: 'status' | 'metadata';
      readonly model: string;
      readonly version?: number;
      readonly label?: string;
    }
  | {
      readonly kind: 'infer';
      readonly verb: 'predict' | 'classify' | 'regress';
      readonly model: string;
      readonly version?: number;
      readonly label?: string;
    };

// TF Serving's route regexes (http_rest_api_handler.cc), RE2 FullMatch, case-insensitive. They run
// against the path including the query string.
const DISPATCHED = /^\/v1\//i;
const POST_RE =
  /^\/v1\/models\/([^/:]+)(?:(?:\/versions\/(\d+))|(?:\/labels\/([^/:]+)))?:(classify|regress|predict)$/i;
const GET_RE =
  /^\/v1\/models(?:\/([^/:]+))?(?:(?:\/versions\/(\d+))|(?:\/labels\/([^/:]+)))?(?:\/(metadata))?$/i;
const INT64_MAX = 2n ** 63n - 1n;

/** Maps a request line onto TF Serving's REST handlers, with its dispatch errors. */
export function routeRequest(method: string, path: string): RestRoute {
  if (!DISPATCHED.test(path)) return { kind: 'not-dispatched' };
  if (method === 'OPTIONS') return { kind: 'cors-preflight' };
  const malformed = () => new ServingError('INVALID_ARGUMENT', `Malformed request: ${method} ${path}`);
  if (method === 'POST') {
    const m = POST_RE.exec(path);
    if (!m) throw malformed();
    const verb = m[4];
    // The regex is case-insensitive but the method comparison after it is not: `:PREDICT` is malformed.
    if (verb !== 'predict' && verb !== 'classify' && verb !== 'regress') throw malformed();
    return { kind: 'infer', verb, model: urlUnescape(m[1]), ...versionOrLabel(m[2], m[3]) };
  }
  if (method === 'GET') {
    const m = GET_RE.exec(path);
    if (!m) throw malformed();
    if (m[4] !== undefined && m[4] !== 'metadata') throw malformed();
    if (m[1] === undefined) throw new ServingError('INVALID_ARGUMENT', 'Missing model name in request.');
    return { kind: m[4] ? 'metadata' : 'status', model: urlUnescape(m[1]), ...versionOrLabel(m[2], m[3]) };
  }
  throw malformed();
}

function versionOrLabel(
  version: string | undefined,
  label: string | undefined,
): { version?: number; label?: string } {
  if (version !== undefined) {
    // TF Serving fails this before it builds the JSON error body: 400 with an empty body.
    if (BigInt(version) > INT64_MAX)
      throw new ServingError('INVALID_ARGUMENT', `Failed to convert version: ${version} to numeric.`, true);
    return { version: Number(version) };
  }
  return label !== undefined ? { label: urlUnescape(label) } : {};
}

/** curl_easy_unescape: %XX sequences decoded as bytes, anything else (including '+') kept as is. */
export function urlUnescape(text: string): string {
  if (text.indexOf('%') < 0) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && i + 2 < text.length + 0 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(text[i], 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
