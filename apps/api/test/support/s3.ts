// A real S3-compatible server for the suites (s3rver, pinned in package.json: no MinIO binary is reachable here),
// started on port 0 over a temp folder, with one bucket. The api reaches it like any S3 endpoint, with credentials
// from the AWS SDK's chain (the environment variables set here: s3rver's fixed key pair).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import type { ArtifactStoreConfig } from '../../src/config/app-config';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The api's store config for a fresh prefix of the bucket (one a suite, so suites do not see each other's keys). */
  storeConfig(prefix?: string): Extract<ArtifactStoreConfig, { kind: 's3' }>;
  /** Every key under a prefix. */
  keys(prefix: string): Promise<string[]>;
  client: S3Client;
  close(): Promise<void>;
}

export async function startTestS3(bucket = 'podium-test'): Promise<TestS3> {
  process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
  process.env.AWS_REGION ??= 'us-east-1';
  const directory = mkdtempSync(join(tmpdir(), 'podium-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  let n = 0;
  return {
    endpoint,
    bucket,
    client,
    storeConfig: (prefix = `suite-${process.pid}-${++n}`) => ({ kind: 's3', bucket, prefix, endpoint, forcePathStyle: true }),
    keys: async (prefix) => {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        out.push(...(page.Contents ?? []).map((o) => o.Key!));
        token = page.NextContinuationToken;
      } while (token);
      return out.sort();
    },
    close: async () => {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Removes every key under a prefix. */
export async function emptyPrefix(s3: TestS3, prefix: string): Promise<void> {
  const keys = await s3.keys(prefix);
  if (keys.length) await s3.client.send(new DeleteObjectsCommand({ Bucket: s3.bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
}
