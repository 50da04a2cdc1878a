// The pino root logger of a process: JSON lines on stdout (written synchronously, so the lines just before an exit
// are not lost), or pino-pretty when asked for (LOG_FORMAT=pretty) or when `auto` finds a terminal and the package.
import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogFormat, LogLevel } from './log-level';

export type { Logger } from 'pino';

/**
 * Field paths never written as given, whatever a caller passes by mistake: a bearer header, token secrets,
 * passwords, GraphQL variables (which may carry any of them).
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'token',
  'secret',
  'password',
  'variables',
  '*.authorization',
  '*.token',
  '*.secret',
  '*.password',
  '*.variables',
];

export interface CreateLoggerOptions {
  /** `name` field of every line: which process wrote it (podium-api, podium-worker). */
  name: string;
  level: LogLevel;
  format?: LogFormat;
  /** Where lines go (tests capture them); default stdout. `format` is ignored then: JSON lines. */
  destination?: DestinationStream;
  /** Fields added to every line from the running context (a request id, a job id); fields given in a call win. */
  mixin?: () => Record<string, unknown>;
}

const requireHere = createRequire(__filename);

/** pino-pretty when it can be loaded (it is a dev dependency), else undefined. */
function prettyStream(): DestinationStream | undefined {
  try {
    const build = requireHere('pino-pretty') as (opts: Record<string, unknown>) => DestinationStream;
    // Colours only on a terminal: LOG_FORMAT=pretty into a file gets plain text, not escape codes.
    return build({ colorize: Boolean(process.stdout.isTTY), sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' });
  } catch {
    return undefined;
  }
}

export function createLogger(opts: CreateLoggerOptions): Logger {
  const format = opts.format ?? 'auto';
  const pretty = opts.destination ? undefined : format === 'pretty' || (format === 'auto' && process.stdout.isTTY) ? prettyStream() : undefined;
  const options: pino.LoggerOptions = {
    name: opts.name,
    level: opts.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // JSON consumers (Loki, Elasticsearch, jq) read "level":"info" more easily than 30; pino-pretty wants the number.
    formatters: pretty ? undefined : { level: (label) => ({ level: label }) },
    mixin: opts.mixin,
  };
  return pino(options, opts.destination ?? pretty ?? pino.destination({ dest: 1, sync: true }));
}
