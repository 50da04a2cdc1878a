import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunsRepository } from '../../src/runs/runs.repository';
import { DIALECTS } from '../support/databases';
import { collect, startTestApp, type TestApp } from '../support/test-app';

const RUN_FIELDS = 'id shortId name kind status startTime endTime experimentId deleted lastSequence params { key value } tags { key value } experiment { name }';

describe.each(DIALECTS)('experiments and runs on %s', (dialect) => {
  let t: TestApp | undefined;
  let experimentId: string;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    if (!t) return;
    const res = await t.gql(
      `mutation { createExperiment(input: { name: "coco128-person", description: "grid", tags: [{ key: "team", value: "vision" }] }) { id name description tags { key value } deleted createdBy } }`,
    );
    experimentId = res.data.createExperiment.id;
  });
  afterAll(async () => t?.close());

  const createRun = (extra = '') => t!.gql(`mutation($e: ID!) { createRun(input: { experimentId: $e ${extra} }) { ${RUN_FIELDS} } }`, { e: experimentId });

  it('creates, reads, lists, renames, deletes and restores experiments', async (ctx) => {
    if (!t) return ctx.skip();
    const byName = await t.gql(`{ experiment(name: "coco128-person") { id tags { key value } createdBy deleted } }`);
    expect(byName.data.experiment).toEqual({ id: experimentId, tags: [{ key: 'team', value: 'vision' }], createdBy: 'local', deleted: false });
    const dup = await t.gql(`mutation { createExperiment(input: { name: "coco128-person" }) { id } }`);
    expect(dup.errors![0].extensions.code).toBe('CONFLICT');
    expect(dup.errors![0].message).toBe('an experiment named "coco128-person" already exists');

    const other = await t.gql(`mutation { createExperiment(input: { name: "scratch" }) { id } }`);
    const otherId = other.data.createExperiment.id;
    const renamed = await t.gql(`mutation($id: ID!) { updateExperiment(input: { id: $id, name: "scratch-2", description: "d" }) { name description } }`, { id: otherId });
    expect(renamed.data.updateExperiment).toEqual({ name: 'scratch-2', description: 'd' });
    const deleted = await t.gql(`mutation($id: ID!) { deleteExperiment(id: $id) { deleted } }`, { id: otherId });
    expect(deleted.data.deleteExperiment.deleted).toBe(true);
    const listed = await t.gql(`{ experiments(first: 10) { totalCount nodes { name } pageInfo { hasNextPage } } }`);
    expect(listed.data.experiments).toEqual({ totalCount: 1, nodes: [{ name: 'coco128-person' }], pageInfo: { hasNextPage: false } });
    const withDeleted = await t.gql(`{ experiments(first: 1, includeDeleted: true) { totalCount nodes { name } pageInfo { hasNextPage endCursor } } }`);
    expect(withDeleted.data.experiments.totalCount).toBe(2);
    expect(withDeleted.data.experiments.pageInfo.hasNextPage).toBe(true);
    const page2 = await t.gql(`query($a: String) { experiments(first: 1, includeDeleted: true, after: $a) { nodes { name } pageInfo { hasNextPage } } }`, {
      a: withDeleted.data.experiments.pageInfo.endCursor,
    });
    expect(page2.data.experiments.pageInfo.hasNextPage).toBe(false);
    expect([withDeleted.data.experiments.nodes[0].name, page2.data.experiments.nodes[0].name].sort()).toEqual(['coco128-person', 'scratch-2']);
    const runInDeleted = await t.gql(`mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }`, { e: otherId });
    expect(runInDeleted.errors![0].extensions.code).toBe('FAILED_PRECONDITION');
    const restored = await t.gql(`mutation($id: ID!) { restoreExperiment(id: $id) { deleted } }`, { id: otherId });
    expect(restored.data.restoreExperiment.deleted).toBe(false);
    // A missing one is null, and does not null its neighbours in an aliased query.
    const missing = await t.gql(`query($id: String!) { gone: experiment(name: "nope") { id } here: experiment(id: $id) { id } }`, { id: otherId });
    expect(missing.errors).toBeUndefined();
    expect(missing.data).toEqual({ gone: null, here: { id: otherId } });
  });

  it('lists experiments with run count, last activity and newest run, one batched read per field; searches names', async (ctx) => {
    if (!t) return ctx.skip();
    const ids: string[] = [];
    for (const name of ['act-A_1', 'act-b%2', 'act-empty']) ids.push((await t.gql(`mutation($n: String!) { createExperiment(input: { name: $n }) { id } }`, { n: name })).data.createExperiment.id);
    const run = (e: string) => t!.gql(`mutation($e: ID!) { createRun(input: { experimentId: $e }) { id startTime } }`, { e }).then((r) => r.data.createRun);
    await run(ids[0]);
    const newestOfA = await run(ids[0]);
    const ended = await t.gql(`mutation($id: ID!) { updateRun(input: { id: $id, status: FINISHED }) { endTime } }`, { id: newestOfA.id });
    const deleted = await run(ids[1]);
    await run(ids[1]);
    await t.gql(`mutation($id: ID!) { deleteRun(id: $id) { id } }`, { id: deleted.id });

    const repo = t.podium.app.get(RunsRepository);
    const reads = { activity: 0, latest: 0 };
    const activity = repo.activityByExperimentIds.bind(repo);
    const latest = repo.latestByExperimentIds.bind(repo);
    repo.activityByExperimentIds = (x) => (reads.activity++, activity(x));
    repo.latestByExperimentIds = (x) => (reads.latest++, latest(x));
    try {
      const res = await t.gql(`{ experiments(first: 100, search: "act-") { totalCount nodes { id name runCount lastActivityAt latestRun { id } } } }`);
      expect(res.errors).toBeUndefined();
      const byName = Object.fromEntries(res.data.experiments.nodes.map((n: any) => [n.name, n]));
      expect(res.data.experiments.totalCount).toBe(3);
      expect(byName['act-A_1']).toMatchObject({ runCount: 2, lastActivityAt: ended.data.updateRun.endTime, latestRun: { id: newestOfA.id } });
      expect(byName['act-b%2'].runCount).toBe(1);
      expect(byName['act-empty']).toMatchObject({ runCount: 0, lastActivityAt: null, latestRun: null });
      // Three experiments, each field read once for all of them.
      expect(reads).toEqual({ activity: 1, latest: 1 });
    } finally {
      repo.activityByExperimentIds = activity;
      repo.latestByExperimentIds = latest;
    }
    // The search is a case-insensitive substring; % and _ match themselves only.
    const names = async (search: string) =>
      (await t!.gql(`query($s: String) { experiments(first: 100, search: $s) { nodes { name } } }`, { s: search })).data.experiments.nodes.map((n: any) => n.name).sort();
    expect(await names('ACT-a')).toEqual(['act-A_1']);
    expect(await names('b%')).toEqual(['act-b%2']);
    expect(await names('_1')).toEqual(['act-A_1']);
    expect(await names('t-%')).toEqual([]);
  });

  it('creates a run with params and tags, and finds it by id and by short id', async (ctx) => {
    if (!t) return ctx.skip();
    const res = await createRun(`name: "yolov8n_e3_sz416_lr0.01_s42", params: [{ key: "imgsz", value: "416" }, { key: "lr0", value: "0.01" }], tags: [{ key: "grid", value: "a" }]`);
    expect(res.errors).toBeUndefined();
    const run = res.data.createRun;
    expect(run).toMatchObject({ name: 'yolov8n_e3_sz416_lr0.01_s42', kind: 'TRAINING', status: 'RUNNING', endTime: null, experimentId, deleted: false, lastSequence: 0 });
    expect(run.shortId).toBe(run.id.replace(/-/g, '').slice(0, 8));
    expect(run.params).toEqual([
      { key: 'imgsz', value: '416' },
      { key: 'lr0', value: '0.01' },
    ]);
    expect(run.tags).toEqual([{ key: 'grid', value: 'a' }]);
    expect(run.experiment).toEqual({ name: 'coco128-person' });
    const byShort = await t.gql(`query($id: ID!) { run(id: $id) { id } }`, { id: run.shortId });
    expect(byShort.data.run.id).toBe(run.id);
    const byFull = await t.gql(`query($id: ID!) { run(id: $id) { id } }`, { id: run.id.toUpperCase() });
    expect(byFull.data.run.id).toBe(run.id);
  });

  it('refuses an ambiguous prefix and an unknown run with typed errors', async (ctx) => {
    if (!t) return ctx.skip();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await createRun()).data.createRun.id);
    // Among 20+ random uuids two share their first hex digit, so some 1-character prefix is ambiguous.
    const firsts = ids.map((id) => id[0]);
    const shared = firsts.find((c, i) => firsts.indexOf(c) !== i)!;
    const ambiguous = await t.gql(`query($id: ID!) { run(id: $id) { id } }`, { id: shared });
    expect(ambiguous.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(ambiguous.errors![0].message).toMatch(new RegExp(`^run id prefix "${shared}" is ambiguous`));
    // Absent runs are null (an aliased query keeps its other answers); mutations on them stay NOT_FOUND.
    const unknown = await t.gql(`query($id: ID!) { gone: run(id: "00000000-0000-4000-8000-000000000000") { id } notHex: run(id: "zz") { id } here: run(id: $id) { id } }`, { id: ids[0] });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data).toEqual({ gone: null, notHex: null, here: { id: ids[0] } });
    const renameMissing = await t.gql(`mutation { updateRun(input: { id: "00000000-0000-4000-8000-000000000000", name: "x" }) { id } }`);
    expect(renameMissing.errors![0]).toMatchObject({ message: 'Run "00000000-0000-4000-8000-000000000000" not found', extensions: { code: 'NOT_FOUND' } });
  });

  it('keeps params immutable: same value is a no-op, a different value is CONFLICT naming the key and both values', async (ctx) => {
    if (!t) return ctx.skip();
    const id = (await createRun(`params: [{ key: "imgsz", value: "320" }]`)).data.createRun.id;
    const same = await t.gql(`mutation($id: ID!) { logParams(input: { runId: $id, params: [{ key: "imgsz", value: "320" }, { key: "seed", value: "42" }] }) { params { key value } } }`, { id });
    expect(same.errors).toBeUndefined();
    expect(same.data.logParams.params).toEqual([
      { key: 'imgsz', value: '320' },
      { key: 'seed', value: '42' },
    ]);
    const diff = await t.gql(`mutation($id: ID!) { logParams(input: { runId: $id, params: [{ key: "epochs", value: "3" }, { key: "imgsz", value: "416" }] }) { id } }`, { id });
    expect(diff.errors![0].extensions).toMatchObject({ code: 'CONFLICT', key: 'imgsz', existing: '320', attempted: '416' });
    expect(diff.errors![0].message).toBe('param "imgsz" already has value "320"; refusing "416" (params are immutable)');
    const after = await t.gql(`query($id: ID!) { run(id: $id) { params { key } } }`, { id });
    expect(after.data.run.params.map((p: { key: string }) => p.key)).toEqual(['imgsz', 'seed']);
  });

  it('moves status RUNNING → FINISHED with an end time and refuses illegal moves', async (ctx) => {
    if (!t) return ctx.skip();
    const id = (await createRun()).data.createRun.id;
    const done = await t.gql(`mutation($id: ID!) { updateRun(input: { id: $id, status: FINISHED, name: "renamed" }) { status name endTime } }`, { id });
    expect(done.data.updateRun).toMatchObject({ status: 'FINISHED', name: 'renamed' });
    expect(Date.parse(done.data.updateRun.endTime)).toBeGreaterThan(Date.now() - 60_000);
    const back = await t.gql(`mutation($id: ID!) { updateRun(input: { id: $id, status: RUNNING }) { status } }`, { id });
    expect(back.errors![0]).toMatchObject({
      message: expect.stringMatching(/cannot move from FINISHED to RUNNING \(FINISHED is final\)/),
      extensions: { code: 'FAILED_PRECONDITION', reason: 'ILLEGAL_TRANSITION' },
    });
    const badEnum = await t.gql(`mutation($id: ID!) { updateRun(input: { id: $id, status: DONE }) { status } }`, { id });
    expect(badEnum.errors![0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const badEnumVar = await t.gql(`mutation($id: ID!, $s: RunStatus) { updateRun(input: { id: $id, status: $s }) { status } }`, { id, s: 'DONE' });
    expect(badEnumVar.errors![0].message).toMatch(/"DONE"/);
  });

  it('soft-deletes and restores a run, refusing writes while deleted', async (ctx) => {
    if (!t) return ctx.skip();
    const id = (await createRun()).data.createRun.id;
    expect((await t.gql(`mutation($id: ID!) { deleteRun(id: $id) { deleted } }`, { id })).data.deleteRun.deleted).toBe(true);
    const write = await t.gql(`mutation($id: ID!) { setRunTags(input: { runId: $id, tags: [{ key: "a", value: "b" }] }) { id } }`, { id });
    expect(write.errors![0].extensions.code).toBe('FAILED_PRECONDITION');
    expect((await t.gql(`mutation($id: ID!) { restoreRun(id: $id) { deleted } }`, { id })).data.restoreRun.deleted).toBe(false);
    const tagged = await t.gql(`mutation($id: ID!) { setRunTags(input: { runId: $id, tags: [{ key: "a", value: "b" }, { key: "a", value: "c" }] }) { tags { key value } } }`, { id });
    expect(tagged.data.setRunTags.tags).toEqual([{ key: 'a', value: 'c' }]);
  });

  it('publishes runUpdated for created runs and status changes of the experiment it was opened for', async (ctx) => {
    if (!t) return ctx.skip();
    const client = t.ws();
    const sub = collect(client, `subscription($e: ID!) { runUpdated(experimentId: $e) { id name status } }`, { e: experimentId }, 2);
    await new Promise((r) => setTimeout(r, 200));
    const other = (await t.gql(`mutation { createExperiment(input: { name: "elsewhere" }) { id } }`)).data.createExperiment.id;
    await t.gql(`mutation($e: ID!) { createRun(input: { experimentId: $e }) { id } }`, { e: other });
    const id = (await createRun(`name: "live"`)).data.createRun.id;
    await t.gql(`mutation($id: ID!) { updateRun(input: { id: $id, status: KILLED }) { status } }`, { id });
    const events = await sub.done;
    expect(events.map((e) => e.runUpdated)).toEqual([
      { id, name: 'live', status: 'RUNNING' },
      { id, name: 'live', status: 'KILLED' },
    ]);
  });
});
