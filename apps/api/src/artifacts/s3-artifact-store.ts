// The artifact store on S3-compatible object storage (AWS S3, MinIO, Ceph, R2): the ArtifactStore port's second
// adapter, for several api replicas sharing one store (docs/scaled.md). Keys under `<prefix>/`:
//   blobs/ab/cd/<sha256>                   the bytes of every artifact, content-addressed like on disk
//   .incoming/<host>~<pid>~<uuid>.part     uploads received, not yet placed (never served)
//   _datasets/<digest>.tar                 named objects (dataset archives)
// An upload streams into a temp object by multipart upload (@aws-sdk/lib-storage: parts of 8 MiB, never the whole
// body in memory) while it is hashed and measured; `place` copies it to its blob key (a server-side copy: the blob
// appears whole or not at all) and deletes the temp object.
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { hostname } from 'node:os';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../common/app-error';
import type { ArtifactStoreConfig } from '../config/app-config';
import {
  ArtifactStore,
  type ByteRange,
  checkObjectName,
  checkSha256,
  FOREIGN_TEMP_GRACE_MS,
  type LegacyMigration,
  type OpenedBlob,
  payloadTooLarge,
  type ReceivedFile,
  SHA256_HEX,
  type TempSweep,
} from './artifact-store';

type S3Config = Extract<ArtifactStoreConfig, { kind: 's3' }>;

const PART_SIZE = 8 * 1024 ** 2;
const OWNER_HOST =
  hostname()
    .replace(/[^A-Za-z0-9.-]/g, '_')
    .slice(0, 64) || 'host';
const TEMP_NAME = /^(.+)~(\d+)~[0-9a-f-]{36}\.part$/;

/** A failure of the object store itself (unreachable, refusing, failing): 503 to the client, the cause in the log. */
function unavailable(e: unknown): Error {
  if (e instanceof AppError) return e;
  const err = e as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
  const what = err.name && err.name !== 'Error' ? err.name : (err.code ?? 'error');
  return Object.assign(new AppError('STORAGE_UNAVAILABLE', `The object store failed (${what}); retry later`, { s3: what }), { cause: e });
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
}

export class S3ArtifactStore extends ArtifactStore {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  readonly bucket: string;
  private readonly prefix: string;
  /** Temp keys of this process's uploads still running: the sweep keeps them. */
  private readonly inFlight = new Set<string>();

  constructor(config: S3Config, clientConfig: S3ClientConfig = {}) {
    super();
    this.bucket = config.bucket;
    this.prefix = config.prefix ? `${config.prefix}/` : '';
    this.client = new S3Client({
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      // Checksums only where S3 requires them: the SDK's default trailing checksums are refused by several
      // S3-compatible servers, and every body is hashed (sha256) here anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...clientConfig,
    });
  }

  async receive(body: Readable, maxBytes: number): Promise<ReceivedFile> {
    const key = this.key(`.incoming/${OWNER_HOST}~${process.pid}~${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(payloadTooLarge(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    this.inFlight.add(key);
    const upload = new Upload({ client: this.client, params: { Bucket: this.bucket, Key: key, Body: meter }, partSize: PART_SIZE, queueSize: 2, leavePartsOnError: false });
    const [piped, uploaded] = await Promise.allSettled([pipeline(body, meter), upload.done()]);
    if (piped.status === 'rejected' || uploaded.status === 'rejected') {
      meter.destroy();
      await upload.abort().catch(() => undefined);
      await this.discard({ tempRef: key, size, sha256: '' }).catch(() => undefined);
      // The body's own failure (too large, client gone) says more than the upload's echo of it.
      if (piped.status === 'rejected') throw piped.reason;
      throw unavailable((uploaded as PromiseRejectedResult).reason);
    }
    return { tempRef: key, size, sha256: hash.digest('hex') };
  }

  async place(file: ReceivedFile): Promise<void> {
    const target = this.blobKey(file.sha256);
    try {
      // Same key, same bytes: a blob already there is not copied again.
      if (!(await this.exists(target))) {
        await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: target, CopySource: `${this.bucket}/${file.tempRef}` }));
      }
    } catch (e) {
      throw unavailable(e);
    }
    await this.discard(file).catch(() => undefined); // a leftover temp object is the sweep's
  }

  async discard(file: ReceivedFile): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: file.tempRef }));
    } finally {
      this.inFlight.delete(file.tempRef);
    }
  }

  open(sha256: string, range?: ByteRange): Promise<OpenedBlob | null> {
    return this.get(this.blobKey(sha256), range);
  }

  async remove(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.blobKey(sha256) }));
  }

  async *listBlobs(pageSize = 500): AsyncGenerator<string[]> {
    for await (const page of paginateListObjectsV2({ client: this.client, pageSize }, { Bucket: this.bucket, Prefix: this.key('blobs/') })) {
      const names = (page.Contents ?? [])
        .map((o) => o.Key?.slice(this.key('blobs/').length) ?? '')
        .filter((rest) => /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(rest) && rest.slice(6, 8) === rest.slice(0, 2) && rest.slice(8, 10) === rest.slice(3, 5))
        .map((rest) => rest.slice(6));
      if (names.length) yield names.filter((n) => SHA256_HEX.test(n));
    }
  }

  /**
   * Removes temp objects whose upload is over: this process's that no running upload owns, and any other's once
   * `foreignGraceMs` old (an object store cannot ask whether another host's process lives; a temp object lives from
   * the end of its upload to its placing, milliseconds). Multipart uploads left open by a crash go by the same rule
   * where the server lists them (a bucket lifecycle rule AbortIncompleteMultipartUpload is the backstop).
   */
  async sweepTemp(foreignGraceMs: number = FOREIGN_TEMP_GRACE_MS, now: number = Date.now()): Promise<TempSweep> {
    const sweep: TempSweep = { removed: 0, kept: 0, failed: [] };
    const tempPrefix = this.key('.incoming/');
    const over = (key: string, at: number): boolean => {
      const owner = TEMP_NAME.exec(key.slice(tempPrefix.length));
      if (owner && owner[1] === OWNER_HOST && Number(owner[2]) === process.pid) return !this.inFlight.has(key);
      return now - at >= foreignGraceMs;
    };
    try {
      for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: tempPrefix })) {
        for (const o of page.Contents ?? []) {
          const key = o.Key ?? '';
          if (!TEMP_NAME.test(key.slice(tempPrefix.length)) && !/\.probe$/.test(key)) continue;
          if (!over(key, o.LastModified?.getTime() ?? 0)) {
            sweep.kept++;
            continue;
          }
          try {
            await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
            sweep.removed++;
          } catch (e) {
            sweep.failed.push({ entry: key, error: e as Error });
          }
        }
      }
    } catch (e) {
      sweep.failed.push({ entry: tempPrefix, error: e as Error });
    }
    try {
      const open = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: tempPrefix }));
      for (const u of open.Uploads ?? []) {
        if (!u.Key || !u.UploadId || !over(u.Key, u.Initiated?.getTime() ?? 0)) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }));
        sweep.removed++;
      }
    } catch {
      // Not every S3-compatible server lists multipart uploads; the lifecycle rule covers those (docs/scaled.md).
    }
    return sweep;
  }

  migrateLegacy(): Promise<LegacyMigration> {
    return Promise.resolve({ moved: 0, removed: 0, failed: [] });
  }

  async probeWritable(): Promise<void> {
    const key = this.key(`.incoming/readyz~${process.pid}~${randomUUID()}.probe`);
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: 'ok' }));
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async putObjectFile(name: string, localFile: string): Promise<void> {
    const key = this.key(checkObjectName(name));
    try {
      if (await this.exists(key)) return;
      // One PutObject or a multipart upload: either way the object appears whole once complete.
      await new Upload({ client: this.client, params: { Bucket: this.bucket, Key: key, Body: createReadStream(localFile) }, partSize: PART_SIZE, queueSize: 2, leavePartsOnError: false }).done();
    } catch (e) {
      throw unavailable(e);
    }
  }

  openObject(name: string, range?: ByteRange): Promise<OpenedBlob | null> {
    return this.get(this.key(checkObjectName(name)), range);
  }

  async hasObject(name: string): Promise<boolean> {
    try {
      return await this.exists(this.key(checkObjectName(name)));
    } catch (e) {
      throw unavailable(e);
    }
  }

  private key(rest: string): string {
    return `${this.prefix}${rest}`;
  }

  private blobKey(sha256: string): string {
    checkSha256(sha256);
    return this.key(`blobs/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`);
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  private async get(key: string, range?: ByteRange): Promise<OpenedBlob | null> {
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
      const total = range ? Number(/\/(\d+)$/.exec(got.ContentRange ?? '')?.[1] ?? NaN) : Number(got.ContentLength);
      return { size: total, stream: got.Body as Readable };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw unavailable(e);
    }
  }
}
