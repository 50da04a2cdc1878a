// MLflow's Python client on the wire, replayed byte for byte (it cannot be installed here: no Python package index).
// What mlflow.utils.rest_utils.http_request sends through `requests`: its headers, GET fields urlencoded into the query
// string, POST bodies as `json.dumps` writes them (", " and ": " separators, ASCII only, floats in Python's repr), and
// artifact PUTs with the file's guessed MIME type.
import type { Server } from 'node:http';
import request from 'supertest';

export const MLFLOW_USER_AGENT = 'mlflow-python-client/2.19.0';

/** A Python float: written `1.0`, not `1` (json.dumps of a float; MLflow metric values are floats). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export const float = (value: number): PyFloat => new PyFloat(value);

/** repr(float): shortest round-trip digits, exponent form below 1e-4 and from 1e16 (two-digit exponent). */
function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(v);
}

/** json.dumps(v) with its defaults (ensure_ascii=True, allow_nan=True: bare NaN / Infinity for PyFloat NaN). */
export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof PyFloat) return pyFloat(v.value);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloat(v);
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${pyJson(k)}: ${pyJson(x)}`)
    .join(', ')}}`;
}

/** urllib.parse.urlencode (quote_plus): only letters, digits and `_.-~` stay as they are; a space is `+`. */
export function urlencode(fields: readonly (readonly [string, string | number])[]): string {
  const quote = (s: string) =>
    encodeURIComponent(s)
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, '+');
  return fields.map(([k, v]) => `${quote(k)}=${quote(String(v))}`).join('&');
}

/** The Python client's requests against one server, with its Authorization (Bearer or Basic) when given. */
export class PythonMlflowClient {
  constructor(
    private readonly server: Server,
    private readonly authorization?: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { 'User-Agent': MLFLOW_USER_AGENT, 'Accept-Encoding': 'gzip, deflate', Accept: '*/*', Connection: 'keep-alive', ...extra };
    if (this.authorization) h.Authorization = this.authorization;
    return h;
  }

  /** GET /api/2.0/mlflow/<endpoint>?<fields> (requests' `params=`). */
  get(endpoint: string, fields: readonly (readonly [string, string | number])[] = []): request.Test {
    const query = urlencode(fields);
    return request(this.server)
      .get(`/api/2.0/mlflow/${endpoint}${query ? `?${query}` : ''}`)
      .set(this.headers());
  }

  /** POST /api/2.0/mlflow/<endpoint> with the body as requests' `json=` writes it (or raw text as given). */
  post(endpoint: string, body: unknown): request.Test {
    const text = typeof body === 'string' ? body : pyJson(body);
    return request(this.server)
      .post(`/api/2.0/mlflow/${endpoint}`)
      .set(this.headers({ 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) }))
      .send(text);
  }

  /** PUT of one file to the artifact proxy (HttpArtifactRepository.log_artifact). */
  putArtifact(artifactUri: string, path: string, bytes: Buffer, mimeType: string): request.Test {
    const url = `/api/2.0/mlflow-artifacts/artifacts/${artifactUri.replace(/^mlflow-artifacts:\//, '')}/${path.split('/').map(encodeURIComponent).join('/')}`;
    return request(this.server)
      .put(url)
      .set(this.headers({ 'Content-Type': mimeType, 'Content-Length': String(bytes.length) }))
      .send(bytes);
  }

  /** GET of one file from the artifact proxy. */
  getArtifact(artifactUri: string, path: string): request.Test {
    const url = `/api/2.0/mlflow-artifacts/artifacts/${artifactUri.replace(/^mlflow-artifacts:\//, '')}/${path}`;
    return request(this.server)
      .get(url)
      .set(this.headers())
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  }
}
