/** What linkwatch code needs of a logger: pino's call shape, so pino fits and tests can collect. */
export interface Logger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}
