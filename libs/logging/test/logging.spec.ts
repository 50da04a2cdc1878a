import { describe, expect, it } from 'vitest';
import { createLogger, NestPinoLogger, parseLogFormat, parseLogLevel } from '../src';

function capture(level: Parameters<typeof createLogger>[0]['level'] = 'info', mixin?: () => Record<string, unknown>) {
  const lines: string[] = [];
  const logger = createLogger({ name: 'test', level, destination: { write: (l: string) => void lines.push(l) }, mixin });
  return { logger, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), lines };
}

describe('createLogger', () => {
  it('writes one JSON object a line with the level as a label, an ISO time, the name and the message', () => {
    const { logger, lines, records } = capture();
    logger.info({ route: '/graphql' }, 'hello');
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(records()[0]).toMatchObject({ level: 'info', name: 'test', msg: 'hello', route: '/graphql', pid: process.pid });
    expect(new Date(records()[0].time as string).toISOString()).toBe(records()[0].time);
  });

  it('drops lines under the level', () => {
    const { logger, records } = capture('warn');
    logger.info('quiet');
    logger.debug('quieter');
    logger.warn('loud');
    expect(records().map((r) => r.msg)).toEqual(['loud']);
  });

  it('redacts secrets a caller passes by mistake, at the top level and one level down', () => {
    const { logger, lines } = capture();
    logger.info({ authorization: 'Bearer pod_abc', headers: { authorization: 'Bearer pod_def' }, input: { token: 'pod_ghi', variables: { x: 1 } } }, 'oops');
    expect(lines[0]).not.toMatch(/pod_abc|pod_def|pod_ghi|"x":1/);
    expect(JSON.parse(lines[0])).toMatchObject({ authorization: '[redacted]', headers: { authorization: '[redacted]' }, input: { token: '[redacted]', variables: '[redacted]' } });
  });

  it('adds the mixin fields to every line; fields given in the call win', () => {
    const { logger, records } = capture('info', () => ({ reqId: 'from-context' }));
    logger.info('a');
    logger.info({ reqId: 'given' }, 'b');
    expect(records().map((r) => r.reqId)).toEqual(['from-context', 'given']);
    expect(JSON.stringify(records()[1]).match(/reqId/g)).toHaveLength(1);
  });
});

describe('NestPinoLogger', () => {
  it('reads Nest calls: the context last, a stack before it for errors, objects as fields, Errors as err', () => {
    const { logger, records } = capture('trace');
    const nest = new NestPinoLogger(logger);
    nest.log('started', 'NestFactory');
    nest.error('boom', 'Error: boom\n    at x (y.js:1:2)', 'Http');
    nest.warn({ msg: 'forwarded', jobId: 'j1' }, 'LocalWorker');
    nest.error(new Error('bad'));
    nest.verbose('fine detail', 'X');
    nest.debug('no context');
    expect(records()).toEqual([
      expect.objectContaining({ level: 'info', msg: 'started', context: 'NestFactory' }),
      expect.objectContaining({ level: 'error', msg: 'boom', context: 'Http', stack: 'Error: boom\n    at x (y.js:1:2)' }),
      expect.objectContaining({ level: 'warn', msg: 'forwarded', jobId: 'j1', context: 'LocalWorker' }),
      expect.objectContaining({ level: 'error', msg: 'bad', err: expect.objectContaining({ type: 'Error', message: 'bad' }) }),
      expect.objectContaining({ level: 'trace', msg: 'fine detail', context: 'X' }),
      expect.objectContaining({ level: 'debug', msg: 'no context' }),
    ]);
    expect(records()[5].context).toBeUndefined();
  });
});

describe('parseLogLevel / parseLogFormat', () => {
  it('accepts the names in any case and refuses others', () => {
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel('silent')).toBe('silent');
    expect(parseLogLevel('verbose')).toBeUndefined();
    expect(parseLogFormat(' Json ')).toBe('json');
    expect(parseLogFormat('text')).toBeUndefined();
  });
});
