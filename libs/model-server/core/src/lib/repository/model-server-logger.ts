/** Where the model server reports loads, unloads and failures. */
export interface ModelServerLogger {
  log(message: string): void;
  warn(message: string): void;
}

export const SILENT_LOGGER: ModelServerLogger = { log: () => undefined, warn: () => undefined };

/** An error's message for a log line. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
