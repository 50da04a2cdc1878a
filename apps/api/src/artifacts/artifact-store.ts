// The artifact store port: bytes in and out by key, the key being their sha256 (content-addressed blobs), plus named
// objects for what is keyed otherwise (dataset archives by dataset digest). Two adapters: the local file system
// (fs-artifact-store.ts, the default) and S3-compatible object storage (s3-artifact-store.ts), chosen by
// PODIUM_ARTIFACT_STORE. It knows nothing of rows: ArtifactsService decides which blobs a row references and when one
// may go. Layout, guarantees and errors: docs/artifacts.md; several replicas: docs/scaled.md.
import type { Readable } from 'node:stream';
import { AppError } from '../common/app-error';

/** Bytes streamed into the store's temp area, hashed and measured, not yet stored under their key. */
export interface ReceivedFile {
  /** Where the adapter keeps them meanwhile (a temp file, a temp object key); never served. */
  tempRef: string;
  size: number;
  sha256: string;
}

/** An inclusive byte range of a blob (`Range: bytes=start-end`). */
export interface ByteRange {
  start: number;
  end: number;
}

/** A blob's bytes, opened: on disk the descriptor is held, so the blob going meanwhile does not cut the read. */
export interface OpenedBlob {
  /** The whole blob's size (also when a range was asked for). */
  size: number;
  /** The asked range's bytes, or all of them. */
  stream: Readable;
}

/** What one pass over the temp area did. */
export interface TempSweep {
  /** Temp files (objects, multipart uploads) of uploads that are over (a crash, a dead replica), removed. */
  removed: number;
  /** Temp files of uploads that may still be running (this process's, or another host's recent ones), kept. */
  kept: number;
  failed: { entry: string; error: Error }[];
}

/** What moving a store of the earlier layout (`<runId>/<path>` files, `.incoming` journals) into blobs did. */
export interface LegacyMigration {
  /** Files hashed and moved under their sha256. */
  moved: number;
  /** Earlier temp files removed (journals, cut-off uploads). */
  removed: number;
  failed: { entry: string; error: Error }[];
}

/**
 * A temp file of another host is left alone until it has not been written to for this long: a live upload keeps its
 * mtime fresh (and Node's HTTP server ends a request after 5 minutes), so an older one belongs to a dead replica.
 */
export const FOREIGN_TEMP_GRACE_MS = 10 * 60_000;

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Named objects (not blobs): a folder-like prefix and a file-like name, e.g. `_datasets/<digest>.tar`. */
export const OBJECT_NAME = /^_[a-z]+\/[0-9A-Za-z._-]{1,200}$/;

export const payloadTooLarge = (maxBytes: number): AppError =>
  new AppError('PAYLOAD_TOO_LARGE', `The artifact is larger than the limit of ${maxBytes} bytes (PODIUM_ARTIFACT_MAX_BYTES)`, { maxBytes });

/**
 * The port (an abstract class, so that Nest injects it by this name). Both adapters keep the same promises: `place`
 * is atomic (a reader sees the whole blob or none), a blob's bytes never change under its key, and what `receive`
 * leaves is found and removed by `sweepTemp` once its upload is over.
 */
export abstract class ArtifactStore {
  /** `file` (the local data folder) or `s3`, for logs and readiness. */
  abstract readonly kind: 'file' | 's3';

  /**
   * Streams `body` into the temp area, hashing and measuring it; over `maxBytes` it stops. The bytes are durable
   * before it resolves. On any failure nothing is left.
   */
  abstract receive(body: Readable, maxBytes: number): Promise<ReceivedFile>;

  /**
   * Stores a received file under its sha256. The caller holds the blob's lock (ArtifactsRepository.lockBlob) until the
   * row naming it commits, so the sweep cannot collect it in between.
   */
  abstract place(file: ReceivedFile): Promise<void>;

  /** Drops a received file that will not be stored. */
  abstract discard(file: ReceivedFile): Promise<void>;

  /** Opens the blob of `sha256` (its `range` only, when given); null when the store has no such blob. */
  abstract open(sha256: string, range?: ByteRange): Promise<OpenedBlob | null>;

  /** Removes a blob (absent is fine). The caller has checked, under the blob's lock, that no row references it. */
  abstract remove(sha256: string): Promise<void>;

  /** Every stored blob's sha256, in pages. */
  abstract listBlobs(pageSize?: number): AsyncGenerator<string[]>;

  /** Removes temp files whose upload is over (see each adapter). Never throws. */
  abstract sweepTemp(foreignGraceMs?: number, now?: number): Promise<TempSweep>;

  /** Moves a store of the earlier on-disk layout into blobs (the object store never had one). Never throws. */
  abstract migrateLegacy(): Promise<LegacyMigration>;

  /** For /readyz: writes and removes a small object where uploads land. */
  abstract probeWritable(): Promise<void>;

  /**
   * Stores a local file under `name` (OBJECT_NAME) unless an object of that name exists: names are content digests,
   * so the same name is the same bytes. Atomic: a reader sees the whole object or none.
   */
  abstract putObjectFile(name: string, localFile: string): Promise<void>;

  /** Opens a named object (its `range` only, when given); null when absent. */
  abstract openObject(name: string, range?: ByteRange): Promise<OpenedBlob | null>;

  /** Whether a named object exists. */
  abstract hasObject(name: string): Promise<boolean>;
}

export function checkSha256(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`"${sha256}" is not a sha256 in lower-case hex`);
  return sha256;
}

export function checkObjectName(name: string): string {
  if (!OBJECT_NAME.test(name) || name.includes('..')) throw new Error(`"${name}" is not an object name of the store`);
  return name;
}
