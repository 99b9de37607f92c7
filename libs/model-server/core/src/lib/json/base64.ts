const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < STD.length; i++) DECODE[STD.charCodeAt(i)] = i;

/**
 * absl::Base64Unescape as TF Serving uses it for `{"b64": ...}`: standard alphabet only (web-safe '-'/'_'
 * are rejected), whitespace ignored, padding optional but never followed by data. Returns null when the
 * payload cannot be decoded ("Unable to base64 decode").
 */
export function base64Decode(text: string): Buffer | null {
  let clean = '';
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0b || c === 0x0c) continue;
    if (c === 0x3d) {
      padding++;
      continue;
    }
    if (padding > 0 || c > 255 || DECODE[c] < 0) return null;
    clean += text[i];
  }
  const rem = clean.length % 4;
  if (rem === 1) return null;
  if (padding > 0 && (padding > 2 || (clean.length + padding) % 4 !== 0)) return null;
  return Buffer.from(clean, 'base64');
}

export function base64Encode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
