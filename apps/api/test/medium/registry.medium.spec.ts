// The registry on a real database (SQLite file and PostgreSQL): version numbering under concurrency, 100 racing
// promotions, compare-and-swap, gates reading evaluation runs, alias moves and the history.
import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactsService } from '../../src/artifacts/artifacts.service';
import { AuthModule } from '../../src/auth/auth.module';
import { Role } from '../../src/auth/roles';
import { loadConfig } from '../../src/config/app-config';
import { CoreModule } from '../../src/core/core.module';
import { Database } from '../../src/database/database';
import { ExperimentEntity } from '../../src/experiments/experiment.entity';
import { domainExtensions } from '../../src/graphql/format-error';
import { MetricSummaryEntity } from '../../src/metrics/metric-summary.entity';
import { RunKind, RunStatus } from '../../src/runs/run-kind';
import { RunParamEntity } from '../../src/runs/run-param.entity';
import { RunEntity } from '../../src/runs/run.entity';
import { ModelStage } from '../../src/registry/dto/model-stage';
import { ModelRegistryService } from '../../src/registry/model-registry.service';
import { ModelVersionFieldsService } from '../../src/registry/model-version-fields.service';
import { ModelVersionEntity } from '../../src/registry/model-version.entity';
import { PromotionReportService } from '../../src/registry/promotion-report.service';
import { PromotionService } from '../../src/registry/promotion.service';
import { RegistryModule } from '../../src/registry/registry.module';
import { isUniqueViolation } from '../../src/database/unique-violation';
import { RegistryRepository } from '../../src/registry/registry.repository';
import { StageTransitionEntity } from '../../src/registry/stage-transition.entity';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases';
import { APP_FEATURES } from '../../src/app.module';

const ADMIN = { name: 'alice', role: Role.ADMIN };
const EDITOR = { name: 'bob', role: Role.EDITOR };
const decision = { justification: 'Best map50 on coco128.' };

/** The client-visible code of a rejected call (the one mapping at the GraphQL edge). */
async function codeOf(p: Promise<unknown>): Promise<{ code: string | undefined; message: string; ext: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    const ext: Record<string, unknown> = domainExtensions(e) ?? {};
    return { code: ext.code as string | undefined, message: (e as Error).message, ext };
  }
  throw new Error('expected a rejection');
}

describe.each(DIALECTS)('model registry on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  let ctx: INestApplicationContext;
  let db: Database;
  let registry: ModelRegistryService;
  let promotions: PromotionService;
  let artifacts: ArtifactsService;
  let experimentId: string;

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    if (!tdb) return;
    const config = loadConfig({}, { ...tdb.config, localWorker: false, seedDemo: false });
    const moduleRef = await Test.createTestingModule({ imports: [CoreModule.forRoot(config, APP_FEATURES.entities), AuthModule, RegistryModule] }).compile();
    moduleRef.useLogger(false);
    ctx = await moduleRef.init();
    db = ctx.get(Database);
    registry = ctx.get(ModelRegistryService);
    promotions = ctx.get(PromotionService);
    artifacts = ctx.get(ArtifactsService);
    experimentId = randomUUID();
    await db.write((tx) => tx.insert(ExperimentEntity, { id: experimentId, name: 'yolo', description: null, tags: [], lifecycle: 'active', createdBy: 'test' }));
  });
  afterAll(async () => {
    await ctx?.close();
    await tdb?.drop();
  });

  async function trainingRun(opts: { params?: Record<string, string>; kind?: RunKind; metrics?: Record<string, number> } = {}): Promise<string> {
    const id = randomUUID();
    await db.write(async (tx) => {
      await tx.insert(RunEntity, {
        id,
        experimentId,
        name: `run-${id.slice(0, 8)}`,
        kind: opts.kind ?? RunKind.TRAINING,
        status: RunStatus.FINISHED,
        startTime: Date.now(),
        endTime: Date.now(),
        parentRunId: null,
        createdBy: 'test',
        lifecycle: 'active',
        nextSequence: 0,
        evaluationDataset: null,
      });
      for (const [key, value] of Object.entries(opts.params ?? {})) await tx.insert(RunParamEntity, { runId: id, key, value });
      for (const [key, value] of Object.entries(opts.metrics ?? {})) {
        await tx.insert(MetricSummaryEntity, {
          runId: id,
          key,
          lastValue: value,
          lastIsNan: false,
          lastStep: 0,
          lastTimestamp: Date.now(),
          lastSequence: 1,
          minValue: value,
          minStep: 0,
          maxValue: value,
          maxStep: 0,
          count: 1,
        });
      }
    });
    if (!opts.kind || opts.kind === RunKind.TRAINING) await artifacts.put(id, 'weights/best.onnx', Readable.from([Buffer.from(`onnx bytes of ${id}`)]), { actor: 'test' });
    return id;
  }

  /** An evaluation run as the evaluation contract writes it. */
  function evaluationRun(name: string, version: number, map50: number, extra: Record<string, string> = {}): Promise<string> {
    return trainingRun({
      kind: RunKind.EVALUATION,
      params: { dataset: 'coco128', dataset_digest: 'sha256:abc', dataset_version: '1', imgsz: '640', conf: '0.001', iou: '0.7', model_name: name, model_version: String(version), ...extra },
      metrics: { map50, precision: 0.8, recall: 0.6 },
    });
  }

  async function modelWithVersions(name: string, n: number): Promise<string> {
    await registry.createModel({ name }, 'alice');
    const runId = await trainingRun({ metrics: { map50: 0.3 } });
    for (let i = 0; i < n; i++) await registry.createVersion({ name, runId, artifactPath: 'weights/best.onnx' }, 'alice');
    return runId;
  }

  it('creates a model once (CONFLICT on the same name) and refuses versions of a missing run or artifact', async (c) => {
    if (!tdb) return c.skip();
    const m = await registry.createModel({ name: 'dup', description: 'd', tags: [{ key: 'task', value: 'detect' }] }, 'alice');
    expect(m).toMatchObject({ name: 'dup', description: 'd', tags: [{ key: 'task', value: 'detect' }], createdBy: 'alice', policy: null });
    expect((await codeOf(registry.createModel({ name: 'dup' }, 'bob'))).code).toBe('CONFLICT');
    const runId = await trainingRun();
    expect((await codeOf(registry.createVersion({ name: 'dup', runId, artifactPath: 'weights/missing.onnx' }, 'a'))).message).toBe(`Artifact "${runId}/weights/missing.onnx" not found`);
    expect((await codeOf(registry.createVersion({ name: 'dup', runId: randomUUID(), artifactPath: 'weights/best.onnx' }, 'a'))).code).toBe('NOT_FOUND');
    expect((await codeOf(registry.createVersion({ name: 'nope', runId, artifactPath: 'weights/best.onnx' }, 'a'))).message).toBe('Registered model "nope" not found');
    const { version } = await registry.createVersion({ name: 'dup', runId: runId.slice(0, 8), artifactPath: 'weights/best.onnx' }, 'a');
    expect(version).toMatchObject({ version: 1, stage: 'NONE', sourceRunId: runId, artifactPath: 'weights/best.onnx' });
    expect(version.artifactSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('numbers 30 concurrent registrations 1..30 without a gap or a duplicate', async (c) => {
    if (!tdb) return c.skip();
    await registry.createModel({ name: 'concurrent' }, 'alice');
    const runId = await trainingRun();
    const created = await Promise.all(Array.from({ length: 30 }, () => registry.createVersion({ name: 'concurrent', runId, artifactPath: 'weights/best.onnx' }, 'alice')));
    expect(created.map((c) => c.version.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('lets 100 racing PRODUCTION promotions leave exactly one PRODUCTION and a complete, ordered history', async (c) => {
    if (!tdb) return c.skip();
    const name = 'racers';
    await modelWithVersions(name, 100);
    for (let v = 1; v <= 100; v++) await promotions.promote({ name, version: v, stage: ModelStage.STAGING, decision }, EDITOR);
    const startedAt = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => promotions.promote({ name, version: i + 1, stage: ModelStage.PRODUCTION, decision: { justification: `racer ${i + 1}` } }, ADMIN)),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);

    const model = await registry.getModel(name);
    const versions = await db.read.find(ModelVersionEntity, { where: { modelId: model.id } });
    expect(versions.filter((v) => v.stage === 'PRODUCTION')).toHaveLength(1);
    expect(versions.filter((v) => v.stage === 'ARCHIVED')).toHaveLength(99);

    const history = await db.read.find(StageTransitionEntity, { where: { modelId: model.id }, order: { seq: 'ASC' } });
    expect(history.map((t) => t.seq)).toEqual(Array.from({ length: 100 + 100 + 99 }, (_, i) => i + 1));
    const racing = history.slice(100);
    const promoted = racing.filter((t) => t.toStage === 'PRODUCTION');
    expect(promoted).toHaveLength(100);
    expect(new Set(promoted.map((t) => t.version)).size).toBe(100);
    // Every promotion after the first is immediately preceded by the automatic archiving of the previous holder.
    expect(racing[0]).toMatchObject({ toStage: 'PRODUCTION', automatic: false });
    for (let i = 1; i < promoted.length; i++) {
      const idx = racing.indexOf(promoted[i]);
      expect(racing[idx - 1]).toMatchObject({ fromStage: 'PRODUCTION', toStage: 'ARCHIVED', automatic: true, version: promoted[i - 1].version });
    }
    const holder = versions.find((v) => v.stage === 'PRODUCTION')!;
    expect(holder.version).toBe(promoted[99].version);
    expect(racing.map((t) => t.at)).toEqual([...racing.map((t) => t.at)].sort((a, b) => a - b));

    // productionVersionAt agrees with the history at every instant a promotion happened.
    expect((await promotions.productionVersionAt(name, new Date(startedAt - 1))).version).toBeNull();
    for (const t of promoted) {
      const lastAtOrBefore = promoted.filter((p) => p.at <= t.at).pop()!;
      expect((await promotions.productionVersionAt(name, new Date(t.at))).version?.version).toBe(lastAtOrBefore.version);
    }
    expect((await promotions.productionVersionAt(name, new Date())).version?.version).toBe(holder.version);
  }, 120_000);

  it('is a compare-and-swap with expectedCurrentVersion, and needs ADMIN and a justification for PRODUCTION', async (c) => {
    if (!tdb) return c.skip();
    const name = 'cas';
    await modelWithVersions(name, 3);
    for (const v of [1, 2, 3]) await promotions.promote({ name, version: v, stage: ModelStage.STAGING, decision }, EDITOR);
    const forbidden = await codeOf(promotions.promote({ name, version: 1, stage: ModelStage.PRODUCTION, decision }, EDITOR));
    expect(forbidden.code).toBe('FORBIDDEN');
    const noWhy = await codeOf(promotions.promote({ name, version: 1, stage: ModelStage.PRODUCTION, decision: { justification: '  ' } }, ADMIN));
    expect(noWhy).toMatchObject({ code: 'BAD_USER_INPUT', message: 'Moving version 1 to PRODUCTION needs a decision with a non-empty justification.' });
    await promotions.promote({ name, version: 1, stage: ModelStage.PRODUCTION, decision, expectedCurrentVersion: 0 }, ADMIN);
    const stale = await codeOf(promotions.promote({ name, version: 2, stage: ModelStage.PRODUCTION, decision, expectedCurrentVersion: 0 }, ADMIN));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toBe('PRODUCTION of "cas" changed: expected no version, but version 1 holds it now. Reload and retry.');
    const ok = await promotions.promote({ name, version: 2, stage: ModelStage.PRODUCTION, decision, expectedCurrentVersion: 1 }, ADMIN);
    expect(ok.transitions.map((t) => [t.version, t.fromStage, t.toStage])).toEqual([
      [1, 'PRODUCTION', 'ARCHIVED'],
      [2, 'STAGING', 'PRODUCTION'],
    ]);
    expect(ok.transitions[1].decision).toMatchObject({ justification: decision.justification });
    const illegal = await codeOf(promotions.promote({ name, version: 1, stage: ModelStage.PRODUCTION, decision }, ADMIN));
    expect(illegal.code).toBe('FAILED_PRECONDITION');
  });

  it('backs the transaction with constraints: one PRODUCTION per model, unique version numbers (seen as retryable)', async (c) => {
    if (!tdb) return c.skip();
    const name = 'constraints';
    await modelWithVersions(name, 2);
    const model = await registry.getModel(name);
    await db.write((tx) => tx.update(ModelVersionEntity, { modelId: model.id, version: 1 }, { stage: 'PRODUCTION' }));
    const second = await db.write((tx) => tx.update(ModelVersionEntity, { modelId: model.id, version: 2 }, { stage: 'PRODUCTION' })).catch((e: unknown) => e);
    expect(isUniqueViolation(second)).toBe(true);
    const repo = ctx.get(RegistryRepository);
    const duplicate = await db
      .write((tx) =>
        repo.insertVersion(tx, {
          modelId: model.id,
          version: 2,
          sourceRunId: null,
          artifactPath: 'x',
          artifactSha256: null,
          description: null,
          tags: [],
          stage: 'NONE',
          stageEnteredAt: 0,
          createdBy: 't',
        }),
      )
      .catch((e: unknown) => e);
    expect(isUniqueViolation(duplicate)).toBe(true);
    expect(isUniqueViolation(new Error('UNIQUE constraint failed'))).toBe(false);
  });

  it('gates PRODUCTION on the time spent in STAGING, with the seconds observed', async (c) => {
    if (!tdb) return c.skip();
    const name = 'patient';
    await modelWithVersions(name, 1);
    await promotions.promote({ name, version: 1, stage: ModelStage.STAGING, decision }, EDITOR);
    await promotions.setPolicy(name, { production: { minTimeInStagingSeconds: 3600 } });
    const early = await codeOf(promotions.promote({ name, version: 1, stage: ModelStage.PRODUCTION, decision }, ADMIN));
    expect(early.code).toBe('FAILED_PRECONDITION');
    const [gate] = early.ext.unmetGates as any[];
    expect(gate).toMatchObject({ name: 'MIN_TIME_IN_STAGING', passed: false, required: { threshold: 3600 } });
    expect(gate.observed).toBeGreaterThanOrEqual(0);
    expect(gate.observed).toBeLessThan(60);
    await promotions.setPolicy(name, null);
    expect((await promotions.promote({ name, version: 1, stage: ModelStage.PRODUCTION, decision }, ADMIN)).version.stage).toBe('PRODUCTION');
  });

  it('moves an alias, unique per model, recording the previous holder', async (c) => {
    if (!tdb) return c.skip();
    const name = 'aliased';
    await modelWithVersions(name, 2);
    await promotions.promote({ name, version: 1, alias: 'champion' }, EDITOR);
    const moved = await promotions.promote({ name, version: 2, alias: 'champion' }, EDITOR);
    expect(moved.transitions[0]).toMatchObject({ kind: 'ALIAS', alias: 'champion', aliasPreviousVersion: 1, version: 2 });
    const model = await registry.getModel(name);
    const versions = await db.read.find(ModelVersionEntity, { where: { modelId: model.id }, order: { version: 'ASC' } });
    expect(await ctx.get(ModelVersionFieldsService).aliasesByVersionIds(versions.map((v) => v.id))).toEqual([[], ['champion']]);
    expect((await codeOf(promotions.promote({ name, version: 1, alias: 'latest' }, EDITOR))).code).toBe('BAD_USER_INPUT');
  });

  it('reports the version’s last decision even when many transitions without one came after it', async (c) => {
    if (!tdb) return c.skip();
    const name = 'decided';
    await modelWithVersions(name, 1);
    await promotions.promote({ name, version: 1, stage: ModelStage.STAGING, decision: { justification: 'Staged for the soak test.' } }, EDITOR);
    for (let i = 0; i < 25; i++) await promotions.promote({ name, version: 1, alias: `a${i}` }, EDITOR);
    const report = await ctx.get(PromotionReportService).report({ name, version: 1, locale: 'en' });
    expect(report.markdown).toContain('Staged for the soak test.');
  });

  it('reports the evaluation the target stage’s gate would read (its dataset, unfiltered as the gate counts it) over a newer one', async (c) => {
    if (!tdb) return c.skip();
    const name = 'reported';
    await modelWithVersions(name, 1);
    await promotions.setPolicy(name, { production: { requireEvaluation: { dataset: 'coco128', metric: 'map50', compareWithProduction: false, settingsMustMatch: [] } } });
    const gated = await evaluationRun(name, 1, 0.4, { classes: 'all' });
    await new Promise((r) => setTimeout(r, 5));
    await evaluationRun(name, 1, 0.5, { dataset: 'voc' });
    const report = await ctx.get(PromotionReportService).report({ name, version: 1, locale: 'en' });
    expect(report.sections.candidate.evaluation).toMatchObject({ runId: gated, dataset: 'coco128' });
    // A STAGING report reads the staging gate's dataset, not production's.
    await promotions.setPolicy(name, { staging: { requireEvaluation: { dataset: 'coco128', metric: 'map50', compareWithProduction: false, settingsMustMatch: [] } } });
    const staging = await ctx.get(PromotionReportService).report({ name, version: 1, locale: 'en', stage: 'STAGING' });
    expect(staging.sections.candidate.evaluation).toMatchObject({ runId: gated, dataset: 'coco128' });
  });

  it('gates PRODUCTION on an evaluation of this version: the floor without a holder, the holder’s value with one', async (c) => {
    if (!tdb) return c.skip();
    const name = 'gated';
    await modelWithVersions(name, 3);
    for (const v of [1, 2, 3]) await promotions.promote({ name, version: v, stage: ModelStage.STAGING, decision }, EDITOR);
    const policy = {
      production: { requireEvaluation: { dataset: 'coco128', metric: 'map50', floor: 0.3, compareWithProduction: true, settingsMustMatch: ['imgsz', 'conf', 'iou'] } },
    };
    expect((await codeOf(promotions.setPolicy(name, { production: { minTimeInStagingSeconds: -1 } }))).code).toBe('BAD_USER_INPUT');
    expect((await promotions.setPolicy(name, policy)).policy).toEqual(policy);

    const none = await codeOf(promotions.promote({ name, version: 1, stage: ModelStage.PRODUCTION, decision }, ADMIN));
    expect(none.code).toBe('FAILED_PRECONDITION');
    expect(none.ext.unmetGates).toMatchObject([{ name: 'EVALUATION', passed: false, observed: null, required: { source: 'FLOOR', threshold: 0.3 } }]);

    const filtered = await evaluationRun(name, 1, 0.9, { classes: '0' });
    const low = await evaluationRun(name, 1, 0.25, { dataset_digest: 'sha256:other' });
    const refused = await codeOf(promotions.promote({ name, version: 1, stage: ModelStage.PRODUCTION, decision }, ADMIN));
    expect(refused.code).toBe('FAILED_PRECONDITION');
    const [gate] = refused.ext.unmetGates as any[];
    expect(gate).toMatchObject({ observed: 0.25, evidence: { evaluationRunId: low, value: 0.25 }, required: { source: 'FLOOR', threshold: 0.3 } });
    expect(gate.rejected).toEqual([expect.objectContaining({ evaluationRunId: filtered })]);

    const good = await evaluationRun(name, 1, 0.31);
    const passed = await promotions.promote({ name, version: 1, stage: ModelStage.PRODUCTION, decision }, ADMIN);
    const t = passed.transitions[0];
    expect(t.gates).toMatchObject({ passed: true, gates: [{ name: 'EVALUATION', passed: true, observed: 0.31 }] });
    expect(t.metricsSnapshot).toMatchObject({ evaluation: { evaluationRunId: good, value: 0.31 }, sourceRun: { map50: { last: 0.3 } } });

    // Against a holder: version 2 must reach version 1's 0.31 on the same digest and settings; the floor no longer applies.
    await evaluationRun(name, 2, 0.305);
    const worse = await codeOf(promotions.promote({ name, version: 2, stage: ModelStage.PRODUCTION, decision }, ADMIN));
    expect(worse.ext.unmetGates).toMatchObject([{ observed: 0.305, required: { source: 'PRODUCTION_HOLDER', threshold: 0.31, holderVersion: 1 } }]);
    await evaluationRun(name, 3, 0.35, { imgsz: '640.0' });
    const better = await promotions.promote({ name, version: 3, stage: ModelStage.PRODUCTION, decision }, ADMIN);
    expect(better.transitions.map((x) => [x.version, x.toStage])).toEqual([
      [1, 'ARCHIVED'],
      [3, 'PRODUCTION'],
    ]);
    expect(better.transitions[1].metricsSnapshot).toMatchObject({ comparedWith: { modelVersion: 1, value: 0.31 } });
  });
});
