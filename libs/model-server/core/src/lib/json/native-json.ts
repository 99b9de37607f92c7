import path from 'node:path';

/**
 * The optional native accelerator for JSON in and out (libs/model-server/core/native/tfs_json.c, compiled by
 * tools/scripts/build.mjs against Node's own headers). It parses runs of plain numbers in arrays — the body
 * of a tensor — onto the parser's number tape, and formats float outputs with printf's digits as TF Serving
 * does (double arithmetic where that decides them, the C library's printf otherwise); the JavaScript code does everything else and all of it when the addon is missing or
 * switched off (useNativeJson).
 */
export interface NativeJson {
  /** See tfs_json.c: state is [pos, count] in and out; returns 0 (run ended), 1 (element needs the JS path), 2 (tape full). */
  numberRun(buf: Uint8Array, nums: Float64Array, flags: Uint8Array, state: Int32Array): number;
  /** TF Serving's WriteDecimal for data[start, start+count) joined by separator; absent unless the C locale's decimal point is '.'. */
  formatDecimals?(
    data: Float32Array | Float64Array,
    start: number,
    count: number,
    isFloat: boolean,
    separator: string,
  ): string;
}

/** Where the build puts the addon, relative to this file in the sources and in dist/ alike. */
export const NATIVE_JSON_FILE = path.join(__dirname, '../../../native/build/tfs_json.node');

function load(): { addon: NativeJson | null; reason: string } {
  try {
    const module = { exports: {} as NativeJson };
    process.dlopen(module, NATIVE_JSON_FILE);
    if (typeof module.exports.numberRun !== 'function') return { addon: null, reason: 'no numberRun export' };
    return { addon: module.exports, reason: 'loaded' };
  } catch (error) {
    return { addon: null, reason: (error as Error).message.split('\n')[0] };
  }
}

const loaded = load();
let enabled = true;

/** The addon in use, or null when the parser and formatter run in JavaScript only. */
export function currentNativeJson(): NativeJson | null {
  return enabled ? loaded.addon : null;
}

/** Switches the addon off (or back on, when it loaded): the model server's --native-json setting. */
export function useNativeJson(on: boolean): void {
  enabled = on;
}

/** For the start-up log: whether the addon is in use, and why not. */
export function describeNativeJson(): string {
  if (!enabled) return 'off (--native-json=off)';
  if (!loaded.addon) return `not used: ${loaded.reason}`;
  return loaded.addon.formatDecimals ? 'on' : 'on (float formatting in JavaScript: C locale)';
}
