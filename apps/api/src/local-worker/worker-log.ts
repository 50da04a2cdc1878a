// The local worker's output in the api's log: the child writes JSON lines (LOG_FORMAT=json); each is re-emitted
// through the api's one logger at its own level with its own fields (job id, attempt, context), marked
// `source: "worker"` with the child's pid, so that LOG_LEVEL, the format and the destination stay the api's. A line
// that is not JSON (a native library's stderr, a crash) is kept as text: info from stdout, warn from stderr.
import type { LoggerService } from '@nestjs/common';

type Method = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';

const BY_LABEL: Record<string, Method> = { fatal: 'fatal', error: 'error', warn: 'warn', info: 'log', debug: 'debug', trace: 'verbose' };
const BY_NUMBER: Record<number, Method> = { 60: 'fatal', 50: 'error', 40: 'warn', 30: 'log', 20: 'debug', 10: 'verbose' };
/** Stamped again by the api's logger: the child's are dropped, its pid kept as workerPid. */
const RESTAMPED = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v']);

export function forwardWorkerLine(
  logger: Pick<LoggerService, 'log' | 'warn' | 'error'> & Partial<Pick<LoggerService, 'debug' | 'verbose' | 'fatal'>>,
  line: string,
  stream: 'stdout' | 'stderr',
  workerPid?: number,
): void {
  let parsed: unknown;
  if (line.startsWith('{')) {
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
  }
  const record = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  const method = record && (typeof record.level === 'number' ? BY_NUMBER[record.level] : BY_LABEL[String(record.level)]);
  if (!record || !method) {
    const write = stream === 'stderr' ? logger.warn : logger.log;
    write.call(logger, { source: 'worker', workerPid, stream, msg: line });
    return;
  }
  const fields: Record<string, unknown> = { source: 'worker', workerPid: typeof record.pid === 'number' ? record.pid : workerPid };
  for (const [k, v] of Object.entries(record)) if (!RESTAMPED.has(k)) fields[k] = v;
  fields.msg = typeof record.msg === 'string' ? record.msg : '';
  const write = logger[method] ?? logger.log;
  write.call(logger, fields);
}
