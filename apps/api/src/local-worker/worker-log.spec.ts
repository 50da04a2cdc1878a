import { createLogger, NestPinoLogger } from '@podium/logging';
import { describe, expect, it } from 'vitest';
import { forwardWorkerLine } from './worker-log';

function apiLogger(level: 'info' | 'debug' = 'info') {
  const lines: string[] = [];
  const nest = new NestPinoLogger(createLogger({ name: 'podium-api', level, destination: { write: (l: string) => void lines.push(l) } }));
  return { nest, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), lines };
}

describe('forwardWorkerLine', () => {
  it('re-emits a worker JSON line at its level with its fields, stamped by the api (no duplicated keys)', () => {
    const { nest, records, lines } = apiLogger();
    const child = { level: 'warn', time: '2026-12-07T00:00:00.000Z', pid: 4242, hostname: 'h', name: 'podium-worker', context: 'agent', jobId: 'j-1', attempt: 2, msg: 'job j-1: heartbeat failed' };
    forwardWorkerLine(nest, JSON.stringify(child), 'stdout', 4000);
    expect(records()).toEqual([
      expect.objectContaining({ level: 'warn', name: 'podium-api', source: 'worker', workerPid: 4242, context: 'agent', jobId: 'j-1', attempt: 2, msg: 'job j-1: heartbeat failed' }),
    ]);
    for (const key of ['"level"', '"time"', '"pid"', '"name"', '"msg"']) expect(lines[0].split(key)).toHaveLength(2);
  });

  it("keeps the api's level: a worker debug line is dropped at info", () => {
    const { nest, records } = apiLogger('info');
    forwardWorkerLine(nest, JSON.stringify({ level: 20, msg: 'detail' }), 'stdout');
    forwardWorkerLine(nest, JSON.stringify({ level: 50, msg: 'broken' }), 'stdout');
    expect(records().map((r) => [r.level, r.msg])).toEqual([['error', 'broken']]);
  });

  it('keeps a line that is not a log record as text: info from stdout, warn from stderr', () => {
    const { nest, records } = apiLogger();
    forwardWorkerLine(nest, '2026-12-07 [E:onnxruntime] CUDA failure 35', 'stderr', 17);
    forwardWorkerLine(nest, '{"not": "a record"}', 'stdout', 17);
    forwardWorkerLine(nest, '{truncated', 'stdout', 17);
    expect(records()).toEqual([
      expect.objectContaining({ level: 'warn', source: 'worker', workerPid: 17, stream: 'stderr', msg: '2026-12-07 [E:onnxruntime] CUDA failure 35' }),
      expect.objectContaining({ level: 'info', stream: 'stdout', msg: '{"not": "a record"}' }),
      expect.objectContaining({ level: 'info', stream: 'stdout', msg: '{truncated' }),
    ]);
  });
});
