// The levels and formats LOG_LEVEL and LOG_FORMAT accept (pino's level names, and `silent`).

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `auto`: pretty when stdout is a terminal and pino-pretty is installed, else JSON lines. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The level named by `raw` (case-insensitive), or undefined when it names none. */
export function parseLogLevel(raw: string): LogLevel | undefined {
  const level = raw.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : undefined;
}

export function parseLogFormat(raw: string): LogFormat | undefined {
  const format = raw.trim().toLowerCase();
  return (LOG_FORMATS as readonly string[]).includes(format) ? (format as LogFormat) : undefined;
}
