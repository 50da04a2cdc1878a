// REST routes for artifact bytes: PUT /artifacts/{runId}/{path}[?epoch=N] streams the body (the body parser is off
// globally) into the store; GET downloads it (one `Range` served 206). Access is checked by the REST guard
// (auth/rest-access.ts); every error, before or after the body is read, is answered `{error: {code, message}}` with
// the matching status by the REST error filter (common/rest-errors.ts).
import { Controller, Get, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Caller, RestRoles } from '../auth/rest-access';
import { type Identity, Role } from '../auth/roles';
import { badInput } from '../common/app-error';
import { byteRangeOf, startDownload } from '../common/http-range';
import { ARTIFACT_SAFETY_HEADERS, presentArtifact } from './artifact-disposition';
import { artifactPathFromUrl } from './artifact-path';
import { ArtifactsService } from './artifacts.service';
import { artifactBytes } from '../observability/metrics';

const PREFIX = '/artifacts/';

/** Splits the raw URL into the run id and the (still encoded) artifact path, so encoded `..` cannot slip through. */
function target(req: Request): { runId: string; path: string } {
  const raw = req.originalUrl.split('?')[0];
  const rest = raw.startsWith(PREFIX) ? raw.slice(PREFIX.length) : '';
  const slash = rest.indexOf('/');
  if (slash <= 0) throw badInput('Expected /artifacts/{runId}/{path}');
  let runId: string;
  try {
    runId = decodeURIComponent(rest.slice(0, slash));
  } catch {
    throw badInput(`Run id "${rest.slice(0, slash)}" is not valid percent-encoding`);
  }
  return { runId, path: artifactPathFromUrl(rest.slice(slash + 1)) };
}

function epochOf(req: Request): number | null {
  const raw = req.query.epoch;
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) throw badInput(`epoch must be a non-negative integer, got "${String(raw)}"`);
  return Number(raw);
}

@Controller('artifacts')
export class ArtifactsController {
  constructor(private readonly artifacts: ArtifactsService) {}

  @Put('*path')
  @RestRoles(Role.EDITOR)
  async put(@Req() req: Request, @Res() res: Response, @Caller() identity: Identity): Promise<void> {
    const { runId, path } = target(req);
    const length = req.headers['content-length'];
    const row = await this.artifacts.put(runId, path, req, {
      epoch: epochOf(req),
      actor: identity.name,
      contentType: req.headers['content-type'],
      declaredSize: length === undefined ? undefined : Number(length),
    });
    res.status(201).json({ runId: row.runId, path: row.path, size: row.size, sha256: row.sha256, epoch: row.epoch, contentType: row.contentType });
  }

  // Workers download checkpoints with their WORKER token (the evaluation protocol's modelUrl).
  @Get('*path')
  @RestRoles(Role.VIEWER, Role.WORKER)
  async get(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { runId, path } = target(req);
    const { row, stream, range } = await this.artifacts.open(runId, path, (size) => byteRangeOf(req, res, size));
    const shown = presentArtifact(row.contentType, path);
    startDownload(res, row.size, range);
    res.setHeader('content-type', shown.contentType);
    res.setHeader('etag', `"${row.sha256}"`);
    res.setHeader('x-podium-sha256', row.sha256);
    res.setHeader('content-disposition', shown.disposition);
    for (const [name, value] of Object.entries(ARTIFACT_SAFETY_HEADERS)) res.setHeader(name, value);
    // Bytes are counted as they are handed to the socket: the client may have the whole body (content-length) before
    // the blob's stream reports its end, which a busy thread pool can hold back past the client's next request.
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        artifactBytes.inc({ direction: 'out' }, chunk.length);
        done(null, chunk);
      },
    });
    // pipeline closes the blob when the client goes; a read error cuts the response (the error filter destroys it).
    await pipeline(stream, counted, res);
  }
}
