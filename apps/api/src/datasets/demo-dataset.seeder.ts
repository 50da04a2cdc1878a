// Registers the demo COCO128 (assets/datasets/coco128, YOLO labels, COCO-80 names) at first start when seedDemo is on.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../core/core.module';
import { COCO80_PRESET } from './coco80';
import { DatasetFormat } from './dataset-format';
import { DatasetsService } from './datasets.service';

export const DEMO_DATASET_NAME = 'coco128';

/** The repository's assets folder, found from this file in src/ (tests) or dist/ (npm start). */
export function findDemoDatasetDir(from: string = __dirname): string | undefined {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'assets', 'datasets', 'coco128');
    if (existsSync(join(candidate, 'images'))) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/**
 * A Nest bootstrap hook rather than a STARTUP_HOOKS entry: it runs in app.init(), before listen, like those hooks,
 * and needs no import of app.factory (which imports this module).
 */
@Injectable()
export class DemoDatasetSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Datasets');

  constructor(
    private readonly datasets: DatasetsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemo) return;
    if (await this.datasets.get(DEMO_DATASET_NAME)) return;
    const dir = findDemoDatasetDir();
    if (!dir) {
      this.logger.warn('demo dataset assets/datasets/coco128 not found: coco128 not registered');
      return;
    }
    const row = await this.datasets.registerFolder(dir, { name: DEMO_DATASET_NAME, format: DatasetFormat.YOLO, version: 1, classNames: [COCO80_PRESET] }, 'system');
    this.logger.log(`registered demo dataset coco128 v${row.version} (${row.counts.images} images, digest ${row.digest.slice(0, 12)})`);
  }
}
