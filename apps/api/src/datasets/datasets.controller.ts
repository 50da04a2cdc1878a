// REST edge for datasets: archive upload (EDITOR) and the normalised tar download (WORKER or VIEWER+) by digest.
// Access is checked by the REST guard (auth/rest-access.ts); every error (storage errors included: ENOSPC is 507) gets
// its typed answer from the REST error filter (common/rest-errors.ts), logged with the request id.
import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Caller, RestRoles } from '../auth/rest-access';
import { type Identity, Role } from '../auth/roles';
import { badInput } from '../common/app-error';
import { byteRangeOf, startDownload } from '../common/http-range';
import { DatasetFormat } from './dataset-format';
import { toDatasetType } from './datasets.mapper';
import { DatasetsService } from './datasets.service';
import { DATASET_NAME_PATTERN, MAX_DATASET_VERSION } from './dto/import-dataset.input';

@Controller('datasets')
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  /** `POST /datasets/upload?name=coco128&format=YOLO[&version=1][&classNames=coco80|a,b,c]` with a tar or zip body. */
  @Post('upload')
  @RestRoles(Role.EDITOR)
  async upload(@Req() req: Request, @Res() res: Response, @Caller() identity: Identity): Promise<void> {
    const q = req.query as Record<string, string | undefined>;
    const name = q.name ?? '';
    if (!DATASET_NAME_PATTERN.test(name)) throw badInput('name must be 1–128 characters of letters, digits, ".", "_" or "-"');
    const format = (q.format ?? '').toUpperCase();
    if (format !== DatasetFormat.YOLO && format !== DatasetFormat.COCO) throw badInput(`format must be YOLO or COCO, got "${q.format ?? ''}"`);
    const version = q.version === undefined ? undefined : Number(q.version);
    if (version !== undefined && (!Number.isInteger(version) || version < 1 || version > MAX_DATASET_VERSION))
      throw badInput(`version must be an integer in [1, ${MAX_DATASET_VERSION}], got "${q.version}"`);
    const classNames = q.classNames ? q.classNames.split(',').map((s) => s.trim()) : undefined;
    const row = await this.datasets.registerUpload(req, { name, format: format as DatasetFormat, version, classNames }, identity.name);
    res.status(201).json(toDatasetType(row));
  }

  /** `GET /datasets/<digest>.tar`: workers fetch and cache datasets by digest. */
  @Get(':file')
  @RestRoles(Role.WORKER, Role.VIEWER)
  async download(@Param('file') file: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!file.endsWith('.tar')) throw badInput('expected /datasets/<sha256>.tar');
    const { dataset, archive, range } = await this.datasets.openArchive(file.slice(0, -4), (size) => byteRangeOf(req, res, size));
    startDownload(res, dataset.sizeBytes, range);
    res.setHeader('content-type', 'application/x-tar');
    res.setHeader('etag', `"${dataset.digest}"`);
    res.setHeader('cache-control', 'private, max-age=31536000, immutable');
    await pipeline(archive.stream, res);
  }
}
