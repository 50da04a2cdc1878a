#!/usr/bin/env node
// Logs per-epoch metrics to Podium from a script with fetch (Node ≥ 20), as a trainer would:
// creates (or reuses) an experiment, creates a run with its params, logs one batch per epoch, then finishes the run.
//   node scripts/log-metrics.mjs [--url http://localhost:4000/graphql] [--experiment demo] [--epochs 3]
// PODIUM_TOKEN=pod_… is sent as a bearer token (not needed from loopback in local mode).
import { endpointsOf, experimentId as findOrCreateExperiment, gql as post } from './lib/podium-client.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const s = { ...endpointsOf(args.url), token: process.env.PODIUM_TOKEN || undefined };
const experimentName = args.experiment ?? 'demo';
const epochs = Number(args.epochs ?? 3);
const gql = (query, variables) => post(s, query, variables);

const expId = await findOrCreateExperiment(s, experimentName);
const params = [
  { key: 'model', value: 'yolov8n.pt' },
  { key: 'imgsz', value: '416' },
  { key: 'lr0', value: '0.01' },
  { key: 'seed', value: '42' },
];
const { createRun: run } = await gql('mutation($input: CreateRunInput!) { createRun(input: $input) { id shortId name } }', {
  input: { experimentId: expId, name: `yolov8n_e${epochs}_sz416_lr0.01_s42`, params },
});
console.log(`run ${run.shortId} (${run.name}): subscribe with metricLogged(runId: "${run.shortId}")`);

for (let epoch = 0; epoch < epochs; epoch++) {
  // What Ultralytics reports at the end of an epoch; its keys are stored under canonical ones (map50, map50_95, …).
  const map50 = 0.2 + 0.04 * epoch + Math.random() * 0.01;
  const metrics = [
    { key: 'train/box_loss', value: 1.6 - 0.1 * epoch, step: epoch },
    { key: 'train/cls_loss', value: 2.1 - 0.2 * epoch, step: epoch },
    { key: 'metrics/precision(B)', value: map50 + 0.15, step: epoch },
    { key: 'metrics/recall(B)', value: map50 + 0.05, step: epoch },
    { key: 'metrics/mAP50(B)', value: map50, step: epoch },
    { key: 'metrics/mAP50-95(B)', value: map50 / 2, step: epoch },
  ];
  const { logMetrics } = await gql('mutation($input: LogMetricsInput!) { logMetrics(input: $input) { count lastSequence keys } }', { input: { runId: run.id, metrics } });
  console.log(`epoch ${epoch}: ${logMetrics.count} points, last sequence ${logMetrics.lastSequence} (${logMetrics.keys.join(', ')})`);
  await new Promise((r) => setTimeout(r, Number(args.delay ?? 1000)));
}

const { updateRun } = await gql('mutation($id: ID!) { updateRun(input: { id: $id, status: FINISHED }) { status endTime metrics { key last max maxStep } } }', { id: run.id });
console.log(`run ${run.shortId} ${updateRun.status}:`, updateRun.metrics.map((m) => `${m.key}=${m.last}`).join(' '));
