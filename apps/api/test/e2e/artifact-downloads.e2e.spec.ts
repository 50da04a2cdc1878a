// Downloads through HTTP on both artifact store adapters (the data folder, S3 on a real s3rver): content-length,
// ETag and x-podium-sha256, `Range` answered 206 with content-range, 416 past the end, ignored when malformed; the
// dataset archive route the same, its archive read from the store.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';

import { tmpdir } from 'node:os';
import type { Test } from 'supertest';
import { join, resolve } from 'node:path';
import { create as tarCreate } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/database/database';
import { seedTrainingRun } from '../support/seed';
import { startTestS3, type TestS3 } from '../support/s3';
import { startTestApp, type TestApp } from '../support/test-app';

const MODEL = readFileSync(resolve(__dirname, '../../../../assets/models/yolox_nano.onnx'));
const MODEL_SHA = createHash('sha256').update(MODEL).digest('hex');
const COCO8 = resolve(__dirname, '../../../../assets/datasets/coco8');
/** The response body as bytes, whatever its content type. */
const bytes = (req: Test) =>
  req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

let s3: TestS3;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => s3?.close());

describe.each(['file', 's3'] as const)('downloads from the %s adapter', (adapter) => {
  let t: TestApp | undefined;
  let runId: string;
  let prefix = '';
  beforeAll(async () => {
    const artifactStore = adapter === 's3' ? s3.storeConfig() : { kind: 'file' as const };
    if (artifactStore.kind === 's3') prefix = artifactStore.prefix;
    t = await startTestApp('sqlite', { artifactStore });
    ({ runId } = await seedTrainingRun(t!.podium.app.get(Database), 'downloads'));
  });
  afterAll(async () => t?.close());

  it('serves an artifact whole and by range, with its length, ETag and sha256', async () => {
    const put = await t!.http().put(`/artifacts/${runId}/weights/best.onnx`).send(MODEL);
    expect(put.status).toBe(201);
    if (adapter === 's3') expect(await s3.keys(`${prefix}/blobs/`)).toEqual([`${prefix}/blobs/${MODEL_SHA.slice(0, 2)}/${MODEL_SHA.slice(2, 4)}/${MODEL_SHA}`]);

    const whole = await bytes(t!.http().get(`/artifacts/${runId}/weights/best.onnx`));
    expect(whole.status).toBe(200);
    expect(whole.headers).toMatchObject({ 'content-length': String(MODEL.length), etag: `"${MODEL_SHA}"`, 'x-podium-sha256': MODEL_SHA, 'accept-ranges': 'bytes' });
    expect((whole.body as Buffer).equals(MODEL)).toBe(true);

    const part = await bytes(t!.http().get(`/artifacts/${runId}/weights/best.onnx`).set('range', 'bytes=100-1123'));
    expect(part.status).toBe(206);
    expect(part.headers).toMatchObject({ 'content-length': '1024', 'content-range': `bytes 100-1123/${MODEL.length}`, 'x-podium-sha256': MODEL_SHA });
    expect((part.body as Buffer).equals(MODEL.subarray(100, 1124))).toBe(true);

    const tail = await bytes(t!.http().get(`/artifacts/${runId}/weights/best.onnx`).set('range', 'bytes=-10'));
    expect(tail.status).toBe(206);
    expect((tail.body as Buffer).equals(MODEL.subarray(MODEL.length - 10))).toBe(true);

    const past = await t!.http().get(`/artifacts/${runId}/weights/best.onnx`).set('range', `bytes=${MODEL.length}-`);
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${MODEL.length}`);
    expect(past.body.error).toMatchObject({ code: 'RANGE_NOT_SATISFIABLE', size: MODEL.length });

    const malformed = await bytes(t!.http().get(`/artifacts/${runId}/weights/best.onnx`).set('range', 'bytes=oops'));
    expect(malformed.status).toBe(200);
    expect((malformed.body as Buffer).length).toBe(MODEL.length);
  });

  it('stores a dataset archive in the store and serves it whole and by range', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podium-coco8-'));
    await tarCreate({ file: join(dir, 'coco8.tar'), cwd: COCO8 }, ['images/val', 'labels/val']);
    const up = await t!
      .http()
      .post('/datasets/upload?name=coco8&format=YOLO&classNames=coco80')
      .set('content-type', 'application/x-tar')
      .send(readFileSync(join(dir, 'coco8.tar')));
    expect(up.body.error).toBeUndefined();
    expect(up.status).toBe(201);
    const { digest, sizeBytes } = up.body as { digest: string; sizeBytes: number };
    if (adapter === 's3') expect(await s3.keys(`${prefix}/_datasets/`)).toEqual([`${prefix}/_datasets/${digest}.tar`]);
    const whole = await bytes(t!.http().get(`/datasets/${digest}.tar`));
    expect(whole.status).toBe(200);
    expect(whole.headers['content-length']).toBe(String(sizeBytes));
    expect((whole.body as Buffer).length).toBe(sizeBytes);
    const part = await bytes(t!.http().get(`/datasets/${digest}.tar`).set('range', 'bytes=0-511'));
    expect(part.status).toBe(206);
    expect((part.body as Buffer).equals((whole.body as Buffer).subarray(0, 512))).toBe(true);
    // The same content again is the same archive, not a second object.
    const again = await t!
      .http()
      .post('/datasets/upload?name=coco8&format=YOLO&classNames=coco80')
      .send(readFileSync(join(dir, 'coco8.tar')));
    expect(again.status).toBe(201);
    if (adapter === 's3') expect(await s3.keys(`${prefix}/_datasets/`)).toHaveLength(1);
  });
});
