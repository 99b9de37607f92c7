/** A rapidjson parse failure: its English message (GetParseError_En) and the byte offset it reports. */
export class JsonParseError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at offset: ${offset}`);
    this.name = 'JsonParseError';
  }
}
