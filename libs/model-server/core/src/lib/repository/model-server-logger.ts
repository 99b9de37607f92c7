/** Where the model server reports loads, unloads and failures. */
export interface ModelServerLogger {
  log(message: string): void;
  warn(message: string): void;
}

export const SILENT_LOGGER: ModelServerLogger = { log: () => undefined, warn: () => undefined };
