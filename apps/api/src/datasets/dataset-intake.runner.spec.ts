import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../common/app-error';
import { loadConfig } from '../config/app-config';
import type { IntakeJob } from './dataset-intake';
import { DatasetIntakeRunner } from './dataset-intake.runner';
import { datasetLimitsOf } from './dataset-limits';

const COCO128 = resolve(__dirname, '../../../../assets/datasets/coco128');
const NAMES = Array.from({ length: 80 }, (_, i) => `c${i}`);

describe('DatasetIntakeRunner', () => {
  const runners: DatasetIntakeRunner[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.onModuleDestroy()));
    dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  });
  async function started() {
    const dataDir = mkdtempSync(join(tmpdir(), 'podium-intake-'));
    dirs.push(dataDir);
    const config = loadConfig({}, { dataDir });
    const runner = new DatasetIntakeRunner(config);
    runners.push(runner);
    const job = async (source: IntakeJob['source']): Promise<IntakeJob> => ({
      source,
      workDir: await runner.newWorkDir(),
      archiveDir: join(dataDir, 'store'),
      format: 'YOLO',
      classNames: NAMES,
      limits: datasetLimitsOf(config),
    });
    return { runner, dataDir, job };
  }

  it('sweeps work folders a crash left behind when it starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'podium-intake-'));
    dirs.push(dataDir);
    const runner = new DatasetIntakeRunner(loadConfig({}, { dataDir }));
    runners.push(runner);
    mkdirSync(join(runner.workRoot, 'left-by-a-crash/files'), { recursive: true });
    writeFileSync(join(runner.workRoot, 'left-by-a-crash/upload'), 'x');
    await runner.onModuleInit();
    expect(readdirSync(runner.workRoot)).toEqual([]);
  });

  it('registers COCO128 on its thread, and brings typed refusals back as AppErrors', async () => {
    const { runner, job } = await started();
    await runner.onModuleInit();
    const result = await runner.run(await job({ folder: COCO128 }));
    expect(result.layout.counts).toEqual({ images: 128, labelled: 126, backgrounds: 2, orphans: 2, boxes: 929, classesPresent: 71 });
    expect(result.tarPath && existsSync(result.tarPath)).toBe(true);
    const refused = await runner.run(await job({ folder: join(COCO128, 'labels') })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', message: 'YOLO dataset holds no images (.jpg, .jpeg, .png, .bmp, .webp, .tif, .tiff)' });
  });

  it('fails the job in flight when its thread dies, and starts a new thread for the next', async () => {
    const { runner, job } = await started();
    await runner.onModuleInit();
    const inFlight = runner.run(await job({ folder: COCO128 }));
    await (runner as unknown as { worker: Worker }).worker.terminate();
    await expect(inFlight).rejects.toThrow(/^dataset intake thread failed: exited with code \d+$/);
    expect((await runner.run(await job({ folder: COCO128 }))).layout.counts.images).toBe(128);
  });

  it('fails waiting jobs when the api shuts down and takes no more', async () => {
    const { runner, job } = await started();
    await runner.onModuleInit();
    const first = runner.run(await job({ folder: COCO128 }));
    const second = runner.run(await job({ folder: COCO128 }));
    await runner.onModuleDestroy();
    await expect(first).rejects.toThrow('dataset intake stopped: the api is shutting down');
    await expect(second).rejects.toThrow('dataset intake stopped: the api is shutting down');
  });
});
