export enum StatsErrorCode {
  SERVING_NOT_FOUND = 'SERVING_NOT_FOUND',
  INVALID_TAIL = 'INVALID_TAIL',
}

export class StatsError extends Error {
  constructor(
    readonly code: StatsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StatsError';
  }
}
