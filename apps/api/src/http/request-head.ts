/**
 * The head of an HTTP/1.1 request in the plain form LaneConnections reads itself: a request line with
 * HTTP/1.1, well-formed header lines, a Host, the body (if any) framed by one Content-Length.
 */
export interface RequestHead {
  readonly method: string;
  readonly url: string;
  /** undefined: no Content-Length (no body). */
  readonly contentLength: number | undefined;
  /** As sent, without surrounding whitespace. */
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  /** The client sent `Connection: close`. */
  readonly close: boolean;
}

const REQUEST_LINE = /^([A-Z]{1,16}) ([!-~]+) HTTP\/1\.1$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Field content: visible ASCII, space, tab and obs-text; no other control character. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const DIGITS = /^[0-9]{1,15}$/;
const MAX_HEADERS = 100;

/**
 * Reads a request head (latin1, without its closing blank line). Returns null for anything outside the
 * plain form: another HTTP version, a malformed or folded line, a control character, a duplicated
 * framing or credential header, Transfer-Encoding, Expect, Upgrade, a Connection other than keep-alive
 * or close, no Host, or more than 100 headers. Such a request goes to Node's own parser unread, which
 * answers it (or refuses it) as it answers every other request.
 */
export function parseRequestHead(text: string): RequestHead | null {
  const lines = text.split('\r\n');
  const requestLine = REQUEST_LINE.exec(lines[0]!);
  if (!requestLine || lines.length - 1 > MAX_HEADERS) return null;
  let contentLength: string | undefined;
  let contentType: string | undefined;
  let authorization: string | undefined;
  let host = false;
  let connection: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return null;
    const value = trimWhitespace(line.slice(colon + 1));
    if (!FIELD_VALUE.test(value)) return null;
    // Only names of 4 to 17 characters can be one of those below; the rest are passed over unread.
    switch (name.length < 4 || name.length > 17 ? '' : name.toLowerCase()) {
      case 'host':
        if (host) return null;
        host = true;
        break;
      case 'content-length':
        if (contentLength !== undefined || !DIGITS.test(value)) return null;
        contentLength = value;
        break;
      case 'content-type':
        if (contentType !== undefined) return null;
        contentType = value;
        break;
      case 'authorization':
        if (authorization !== undefined) return null;
        authorization = value;
        break;
      case 'connection':
        if (connection !== undefined) return null;
        connection = value.toLowerCase();
        if (connection !== 'keep-alive' && connection !== 'close') return null;
        break;
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return null;
    }
  }
  if (!host) return null;
  return {
    method: requestLine[1]!,
    url: requestLine[2]!,
    contentLength: contentLength === undefined ? undefined : Number(contentLength),
    contentType,
    authorization,
    close: connection === 'close',
  };
}

/** Strips leading and trailing spaces and tabs (HTTP's optional whitespace), nothing else. */
function trimWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value.charCodeAt(start) === 32 || value.charCodeAt(start) === 9)) start++;
  while (end > start && (value.charCodeAt(end - 1) === 32 || value.charCodeAt(end - 1) === 9)) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}
