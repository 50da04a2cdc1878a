// PUT /evaluation-jobs/{jobId}/predictions?attempt=N&workerId=W: the worker protocol's one REST route. The claimant of
// the running attempt streams its detections (a gzipped COCO results file) into the job's evaluation run, as the
// artifact `evaluation/predictions.json.gz`, before it completes the job; anyone may then recompute the metrics
// offline with pycocotools or `npm run metrics`. Admitted as every report is (job-lifecycle.ts: claimant, current
// attempt, RUNNING); stored through the artifact store (size limit, sha256, atomic replacement). Access is checked
// by the REST guard (auth/rest-access.ts), errors answered by the REST error filter like every route's.
import { Controller, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ArtifactsService } from '../artifacts/artifacts.service';
import { Caller, RestRoles } from '../auth/rest-access';
import { type Identity, Role } from '../auth/roles';
import { badInput } from '../common/app-error';
import { isUuid } from '../common/uuid';
import { JobLeaseService } from './job-lease.service';

/** Where the detections live on the evaluation run. */
export const PREDICTIONS_ARTIFACT = 'evaluation/predictions.json.gz';

function reportRef(req: Request): { jobId: string; attempt: number; workerId: string } {
  const jobId = String(req.params.jobId ?? '');
  const { attempt, workerId } = req.query;
  if (!isUuid(jobId)) throw badInput(`Job id "${jobId.slice(0, 64)}" is not a UUID`);
  if (typeof attempt !== 'string' || !/^[1-9]\d{0,8}$/.test(attempt)) throw badInput('attempt must be a positive integer (the attempt this worker holds)');
  if (typeof workerId !== 'string' || !isUuid(workerId)) throw badInput('workerId must be the id registerWorker returned');
  return { jobId, attempt: Number(attempt), workerId };
}

@Controller('evaluation-jobs')
export class JobFilesController {
  constructor(
    private readonly leases: JobLeaseService,
    private readonly artifacts: ArtifactsService,
  ) {}

  @Put(':jobId/predictions')
  @RestRoles(Role.WORKER)
  async putPredictions(@Req() req: Request, @Res() res: Response, @Caller() caller: Identity): Promise<void> {
    const ref = reportRef(req);
    const runId = await this.leases.resultFileRun(ref, caller);
    const length = req.headers['content-length'];
    const row = await this.artifacts.put(runId, PREDICTIONS_ARTIFACT, req, {
      epoch: null,
      actor: caller.name,
      contentType: 'application/gzip',
      declaredSize: length === undefined ? undefined : Number(length),
    });
    res.status(201).json({ runId: row.runId, path: row.path, size: row.size, sha256: row.sha256 });
  }
}
