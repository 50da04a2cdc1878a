// compareRuns and gridAnalysis: resolve the runs through the tracking core, load them as snapshots, let
// @podium/registry compute (the api adds no rule of its own).
import { Injectable } from '@nestjs/common';
import { type Aggregation, compareRuns, type GridAnalysis, gridAnalysis, type Goal, type RunComparison, type RunSnapshot } from '@podium/registry';
import { badInput } from '../common/app-error';
import { TrackedRunsLoader } from './tracked-runs.loader';

/** An experiment's grid is read whole; beyond this many runs the caller must pass run ids. */
export const MAX_GRID_RUNS = 1000;

export interface GridSelection {
  runIds?: readonly string[] | null;
  experimentId?: string | null;
}

export interface GridOptions {
  goal?: Goal | null;
  repeatParams?: readonly string[] | null;
  ignoreParams?: readonly string[] | null;
}

@Injectable()
export class RunAnalysisService {
  constructor(private readonly runs: TrackedRunsLoader) {}

  async compareRuns(runIds: readonly string[], metrics: readonly string[]): Promise<RunComparison> {
    return compareRuns(await this.snapshotsOf(runIds, metrics), metrics);
  }

  async gridAnalysis(selection: GridSelection, metric: string, aggregation: Aggregation, options: GridOptions = {}): Promise<GridAnalysis> {
    const hasRuns = (selection.runIds?.length ?? 0) > 0;
    if (hasRuns === Boolean(selection.experimentId)) throw badInput('give exactly one of runIds and experimentId');
    const runs = hasRuns ? await this.snapshotsOf(selection.runIds!, [metric]) : await this.trainingRunsOf(selection.experimentId!, [metric]);
    return gridAnalysis(runs, metric, aggregation, {
      goal: options.goal ?? undefined,
      repeatParams: options.repeatParams ?? undefined,
      ignoreParams: options.ignoreParams ?? undefined,
    });
  }

  /** Runs by full or short id, in the order given (NOT_FOUND for an unknown one), with the summaries of `metricKeys` only. */
  async snapshotsOf(runIds: readonly string[], metricKeys: readonly string[]): Promise<RunSnapshot[]> {
    return this.runs.snapshots(await this.runs.resolveIds(runIds), metricKeys);
  }

  /** The active TRAINING runs of an experiment (its grid), oldest first, with the summaries of `metricKeys` only. */
  async trainingRunsOf(experimentId: string, metricKeys: readonly string[]): Promise<RunSnapshot[]> {
    const ids = await this.runs.trainingRunIds(experimentId, MAX_GRID_RUNS);
    if (ids === null) throw badInput(`experiment has more than ${MAX_GRID_RUNS} training runs: pass runIds`);
    return this.runs.snapshots(ids, metricKeys);
  }
}
