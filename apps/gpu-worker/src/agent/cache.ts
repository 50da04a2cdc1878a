// The worker's local cache: models by sha256, datasets by digest (downloaded once, extracted once), and the last
// evaluations' detection files (the tensor cache lives beside them, in tensors/: pipeline/tensor-cache.ts).
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extract } from 'tar';
import type { ApiClient } from './api-client';
import type { JobClaim } from './protocol';

export class WorkerCache {
  private inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly root: string,
    private readonly api: ApiClient,
  ) {}

  /** Path of the model file, downloaded (and sha256-checked) unless already cached. */
  model(claim: JobClaim): Promise<string> {
    const target = join(this.root, 'models', `${claim.modelSha256}.onnx`);
    return this.once(target, async () => {
      await mkdir(join(this.root, 'models'), { recursive: true });
      await this.api.download(claim.modelUrl, target, claim.modelSha256);
    });
  }

  /** Folder holding the extracted dataset archive. */
  dataset(claim: JobClaim): Promise<string> {
    const dir = join(this.root, 'datasets', claim.dataset.digest);
    return this.once(
      dir,
      async () => {
        const work = `${dir}.part-${process.pid}`;
        await rm(work, { recursive: true, force: true });
        await mkdir(work, { recursive: true });
        const archive = join(work, '..', `${claim.dataset.digest}.tar.part-${process.pid}`);
        try {
          await this.api.download(claim.dataset.archiveUrl, archive);
          // The archive is the api's normalised tar: plain files only, relative paths.
          await extract({ file: archive, cwd: work, strict: true, filter: (p, entry) => !p.includes('..') && (entry as any).type !== 'SymbolicLink' });
          await writeFile(join(work, '.complete'), claim.dataset.digest);
          // Another worker process sharing this cache may have finished the same digest first: keep its copy.
          if (!existsSync(join(dir, '.complete'))) {
            await rm(dir, { recursive: true, force: true });
            await rename(work, dir).catch((e: unknown) => {
              if (!existsSync(join(dir, '.complete'))) throw e;
            });
          }
        } finally {
          await rm(archive, { force: true });
          await rm(work, { recursive: true, force: true });
        }
      },
      join(dir, '.complete'),
    );
  }

  /**
   * Where a job's detections file goes (`predictions.json.gz`, the evaluation run's artifact once the api takes it);
   * the newest `keep` are kept, older ones removed.
   */
  async predictionsPath(claim: JobClaim, keep = 20): Promise<string> {
    const dir = join(this.root, 'predictions');
    await mkdir(dir, { recursive: true });
    const files = await Promise.all((await readdir(dir)).map(async (name) => ({ path: join(dir, name), mtime: (await stat(join(dir, name)).catch(() => undefined))?.mtimeMs ?? 0 })));
    const old = files.sort((a, b) => b.mtime - a.mtime).slice(Math.max(0, keep - 1));
    await Promise.all(old.map((f) => rm(f.path, { force: true })));
    return join(dir, `${claim.job.id}-attempt-${claim.attempt}.predictions.json.gz`);
  }

  private once(target: string, fetchIt: () => Promise<void>, marker = target): Promise<string> {
    if (existsSync(marker)) return Promise.resolve(target);
    let p = this.inflight.get(target);
    if (!p) {
      p = fetchIt()
        .then(() => target)
        .finally(() => this.inflight.delete(target));
      this.inflight.set(target, p);
    }
    return p;
  }
}
