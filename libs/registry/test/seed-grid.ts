// The seed's nine runs: a 2 × 2 × 2 grid (imgsz 320/416 × lr0 0.01/0.005 × seed 42/1) plus a baseline at imgsz 640.
// map50 values are chosen so that hand computation is easy:
//   imgsz 320: 0.29 0.27 0.26 0.26 → mean 0.27 | imgsz 416: 0.32 0.30 0.30 0.28 → mean 0.30 (+11.1 %)
//   lr0 0.005: 0.26 0.26 0.30 0.28 → 0.275    | lr0 0.01: 0.29 0.27 0.32 0.30 → 0.295 (+7.27 %)
//   seed pairs (same imgsz, lr0): |Δ| = 0.02, 0, 0.02, 0.02 → stds 0.0141, 0, 0.0141, 0.0141 → pooled sqrt(0.00015)
import type { MetricSummary, RunSnapshot } from '../src/snapshots';

const curve = (values: number[]): MetricSummary => {
  let max = 0;
  let min = 0;
  values.forEach((v, i) => {
    if (v > values[max]) max = i;
    if (v < values[min]) min = i;
  });
  return { last: values[values.length - 1], lastStep: values.length - 1, min: values[min], minStep: min, max: values[max], maxStep: max };
};

const run = (id: string, imgsz: number, lr0: string, seed: number, map50: number, extra: Record<string, string> = {}): RunSnapshot => ({
  id,
  name: `yolov8n_e3_sz${imgsz}_lr${lr0}_s${seed}`,
  kind: 'TRAINING',
  status: 'FINISHED',
  params: { model: 'yolov8n.pt', epochs: '3', imgsz: String(imgsz), lr0, seed: String(seed), ...extra },
  // three epochs; map50 is the last one, still rising (0.8x, 0.95x, 1x)
  metrics: { map50: curve([map50 * 0.8, map50 * 0.95, map50]), precision: curve([0.02, 0.03, 0.04]) },
});

export const SEED_GRID: RunSnapshot[] = [
  run('a1111111-0000-4000-8000-000000000001', 320, '0.01', 42, 0.29),
  run('a2222222-0000-4000-8000-000000000002', 320, '0.01', 1, 0.27),
  run('a3333333-0000-4000-8000-000000000003', 320, '0.005', 42, 0.26),
  run('a4444444-0000-4000-8000-000000000004', 320, '0.005', 1, 0.26),
  run('b1111111-0000-4000-8000-000000000005', 416, '0.01', 42, 0.32),
  run('b2222222-0000-4000-8000-000000000006', 416, '0.01', 1, 0.3),
  run('b3333333-0000-4000-8000-000000000007', 416, '0.005', 42, 0.3),
  run('b4444444-0000-4000-8000-000000000008', 416, '0.005', 1, 0.28),
  run('c0000000-0000-4000-8000-000000000009', 640, '0.01', 0, 0.33),
];

export const BEST_RUN = SEED_GRID[4];
