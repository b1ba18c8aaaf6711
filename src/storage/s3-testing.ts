/**
 * Helpers for tests that run against the real S3 test server (Ceph RGW from `scripts/ceph-s3.sh`).
 * Used by `s3.test.ts` and by integration tests elsewhere (scale-out, registry on S3):
 *
 *   const s3 = await s3TestTarget();            // undefined → skip with S3_SKIP_MESSAGE
 *   const store = await s3.open(s3.freshPrefix('mytest'));
 *   spawn('node', [...], { env: { ...process.env, ...s3.env } });   // child processes: --storage s3.url(prefix)
 *
 * The endpoint is PACKAGE_STORAGE_TEST_S3_ENDPOINT if set (then it MUST answer: CI sets it after starting the
 * server), else http://127.0.0.1:7480 if something answers there. PACKAGE_STORAGE_TEST_S3_ENDPOINT=none skips.
 */
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { S3Store, type S3StoreOptions } from './s3.js';

const S3_TEST_BUCKET = process.env.PACKAGE_STORAGE_TEST_S3_BUCKET || 'package-storage-test';
export const S3_TEST_CREDENTIALS = { accessKeyId: 'AKTEST', secretAccessKey: 'SKTEST' };
const S3_TEST_REGION = 'us-east-1';
export const S3_SKIP_MESSAGE =
  'S3 tests skipped: start Ceph with scripts/ceph-s3.sh start .tmp/ceph 7480 and set PACKAGE_STORAGE_TEST_S3_ENDPOINT=http://127.0.0.1:7480';

export interface S3TestTarget {
  endpoint: string;
  bucket: string;
  /** Environment for child processes (CLI, registry) so that `--storage s3://...` reaches the test server. */
  env: Record<string, string>;
  /** A fresh random prefix (ending in '/') under `tests/`. */
  freshPrefix(label?: string): string;
  /** `s3://bucket/prefix` for a prefix. */
  url(prefix: string): string;
  /** Open a store on the test bucket under `prefix`. */
  open(prefix: string, opts?: Partial<S3StoreOptions>): Promise<S3Store>;
  /** Delete every object under `prefix` (absolute in the bucket). */
  emptyPrefix(prefix: string): Promise<void>;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const r = await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
    await r.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

let cached: Promise<S3TestTarget | undefined> | undefined;

/**
 * The test server, or undefined if none is configured and nothing answers on 127.0.0.1:7480. Throws if
 * PACKAGE_STORAGE_TEST_S3_ENDPOINT is set but does not answer (a broken CI setup must fail, not skip).
 */
export function s3TestTarget(): Promise<S3TestTarget | undefined> {
  cached ??= probe();
  return cached;
}

async function probe(): Promise<S3TestTarget | undefined> {
  const configured = process.env.PACKAGE_STORAGE_TEST_S3_ENDPOINT;
  if (configured === 'none' || configured === 'off') return undefined;
  const endpoint = (configured || 'http://127.0.0.1:7480').replace(/\/+$/, '');
  if (!(await answers(endpoint))) {
    if (configured) throw new Error(`PACKAGE_STORAGE_TEST_S3_ENDPOINT=${configured} does not answer (start it: scripts/ceph-s3.sh start .tmp/ceph 7480)`);
    return undefined;
  }
  const bucket = S3_TEST_BUCKET;
  const admin = new S3Client({
    endpoint,
    region: S3_TEST_REGION,
    forcePathStyle: true,
    credentials: S3_TEST_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (e) {
    const n = (e as { name?: string }).name;
    if (n !== 'BucketAlreadyOwnedByYou' && n !== 'BucketAlreadyExists') throw e;
  } finally {
    admin.destroy();
  }
  const base: S3StoreOptions = { bucket, endpoint, region: S3_TEST_REGION, pathStyle: true, credentials: S3_TEST_CREDENTIALS };
  return {
    endpoint,
    bucket,
    env: {
      AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
      AWS_REGION: S3_TEST_REGION,
      AWS_ENDPOINT_URL_S3: endpoint,
    },
    freshPrefix: (label = 't') => `tests/${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}/`,
    url: (prefix) => `s3://${bucket}/${prefix}`,
    open: async (prefix, opts = {}) => new S3Store({ ...base, prefix, ...opts }),
    emptyPrefix: async (prefix) => {
      const c = new S3Client({ endpoint, region: S3_TEST_REGION, forcePathStyle: true, credentials: S3_TEST_CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
      try {
        for (;;) {
          const l = await c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 }));
          const keys = (l.Contents ?? []).map((o) => ({ Key: o.Key! }));
          if (keys.length === 0) break;
          // DeleteObjects needs Content-MD5, which the SDK adds itself (a checksum "required" by the operation).
          await c.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
          if (!l.IsTruncated) break;
        }
      } finally {
        c.destroy();
      }
    },
  };
}
