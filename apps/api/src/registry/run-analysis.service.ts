// compareRuns and gridAnalysis: resolve the runs through the tracking core, load them as snapshots, let
// @podium/registry compute (the api adds no rule of its own).
import { Injectable } from '@nestjs/common';
import { type Aggregation, compareRuns, type GridAnalysis, gridAnalysis, type Goal, type RunComparison, type RunSnapshot } from '@podium/registry';
import { badInput } from '../common/app-error';
import { Database } from '../database/database';
import { RunsService } from '../runs/runs.service';
import { EvidenceRepository } from './evidence.repository';

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
  constructor(
    private readonly db: Database,
    private readonly runs: RunsService,
    private readonly evidence: EvidenceRepository,
  ) {}

  async compareRuns(runIds: readonly string[], metrics: readonly string[]): Promise<RunComparison> {
    return compareRuns(await this.snapshotsOf(runIds), metrics);
  }

  async gridAnalysis(selection: GridSelection, metric: string, aggregation: Aggregation, options: GridOptions = {}): Promise<GridAnalysis> {
    const hasRuns = (selection.runIds?.length ?? 0) > 0;
    if (hasRuns === Boolean(selection.experimentId)) throw badInput('give exactly one of runIds and experimentId');
    const runs = hasRuns ? await this.snapshotsOf(selection.runIds!) : await this.trainingRunsOf(selection.experimentId!);
    return gridAnalysis(runs, metric, aggregation, {
      goal: options.goal ?? undefined,
      repeatParams: options.repeatParams ?? undefined,
      ignoreParams: options.ignoreParams ?? undefined,
    });
  }

  /** Runs by full or short id, in the order given (NOT_FOUND for an unknown one). */
  async snapshotsOf(runIds: readonly string[]): Promise<RunSnapshot[]> {
    const ids: string[] = [];
    for (const ref of runIds) ids.push((await this.runs.getRun(ref)).id);
    const loaded = await this.evidence.findRunSnapshots(this.db.read, ids);
    const byId = new Map(loaded.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)!);
  }

  /** The active TRAINING runs of an experiment (its grid), oldest first. */
  async trainingRunsOf(experimentId: string): Promise<RunSnapshot[]> {
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const page = await this.runs.listRuns({ experimentId, first: 100, after });
      for (const r of page.nodes) if (r.kind === 'TRAINING') ids.push(r.id);
      after = page.hasNextPage ? page.endCursor : null;
      if (ids.length > MAX_GRID_RUNS) throw badInput(`experiment has more than ${MAX_GRID_RUNS} runs: pass runIds`);
    } while (after);
    const loaded = await this.evidence.findRunSnapshots(this.db.read, ids);
    return loaded.sort((a, b) => (a.startTime?.getTime() ?? 0) - (b.startTime?.getTime() ?? 0) || (a.id < b.id ? -1 : 1));
  }
}
