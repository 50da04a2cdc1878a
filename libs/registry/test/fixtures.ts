// Builders for registry snapshots in specs: only what a test states differs from a plausible default.
import type { MetricSummary, ModelVersionSnapshot, RegisteredModelSnapshot, RunSnapshot } from '../src/snapshots';
import type { ModelStage } from '../src/stages';

export const T0 = new Date('2026-11-20T10:00:00.000Z');
export const hoursAfter = (d: Date, h: number): Date => new Date(d.getTime() + h * 3_600_000);

export function summary(last: number, opts: Partial<MetricSummary> = {}): MetricSummary {
  return { last, lastStep: 0, min: Number.isNaN(last) ? null : last, minStep: 0, max: Number.isNaN(last) ? null : last, maxStep: 0, ...opts };
}

export function version(v: number, stage: ModelStage, opts: Partial<ModelVersionSnapshot> = {}): ModelVersionSnapshot {
  return { version: v, stage, aliases: [], stageEnteredAt: T0, sourceRunId: `run-of-v${v}`, ...opts };
}

export function model(versions: ModelVersionSnapshot[], name = 'person-detector'): RegisteredModelSnapshot {
  return { name, versions };
}

let counter = 0;
/** An evaluation run as the worker writes it (kind EVALUATION, params dataset/dataset_digest/imgsz/conf/iou). */
export function evaluation(
  modelVersion: number,
  map50: number,
  opts: { params?: Record<string, string | undefined>; status?: RunSnapshot['status']; kind?: RunSnapshot['kind']; endTime?: Date; id?: string; modelName?: string } = {},
): RunSnapshot {
  counter += 1;
  const params: Record<string, string> = {
    model_name: opts.modelName ?? 'person-detector',
    model_version: String(modelVersion),
    dataset: 'coco128',
    dataset_digest: 'sha256:c0c0128',
    imgsz: '640',
    conf: '0.001',
    iou: '0.7',
  };
  for (const [k, v] of Object.entries(opts.params ?? {})) {
    if (v === undefined) delete params[k];
    else params[k] = v;
  }
  const id = opts.id ?? `${String(counter).padStart(8, '0')}-0000-4000-8000-000000000000`;
  return {
    id,
    name: `eval_v${modelVersion}_${counter}`,
    kind: opts.kind ?? 'EVALUATION',
    status: opts.status ?? 'FINISHED',
    params,
    metrics: { map50: summary(map50) },
    endTime: opts.endTime ?? hoursAfter(T0, counter),
  };
}

/** Applies a plan to a model snapshot the way the api's transaction would (for sequential race simulations). */
export function applyPlan(
  m: RegisteredModelSnapshot,
  plan: {
    versionUpdates: readonly { version: number; fromStage: ModelStage; toStage: ModelStage; stageEnteredAt: Date }[];
    aliasUpdates: readonly { alias: string; fromVersion: number | null; toVersion: number | null }[];
  },
): RegisteredModelSnapshot {
  return {
    ...m,
    versions: m.versions.map((v) => {
      const u = plan.versionUpdates.find((x) => x.version === v.version);
      if (u && u.fromStage !== v.stage) throw new Error(`stale update for version ${v.version}`);
      let aliases = [...v.aliases];
      for (const a of plan.aliasUpdates) {
        if (a.fromVersion === v.version) aliases = aliases.filter((x) => x !== a.alias);
        if (a.toVersion === v.version) aliases.push(a.alias);
      }
      return { ...v, stage: u ? u.toStage : v.stage, stageEnteredAt: u ? u.stageEnteredAt : v.stageEnteredAt, aliases };
    }),
  };
}

/** Runs fn, expecting a RegistryError; returns it for assertions on code, message and details. */
export function registryErrorOf(fn: () => unknown): import('../src/registry-error').RegistryError {
  try {
    fn();
  } catch (e) {
    if ((e as Error).name === 'RegistryError') return e as import('../src/registry-error').RegistryError;
    throw e;
  }
  throw new Error('expected a RegistryError, nothing was thrown');
}
