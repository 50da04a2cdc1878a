// Artifacts of a run: PNG/JPEG/WebP previews inline, CSV as a table, anything else as a download. Bytes are fetched
// with the tab's credentials (an <img src> could not carry the token) and shown from a blob of a checked image type,
// so an uploaded file is never rendered as HTML or SVG.
import { useEffect, useState } from 'react';
import { authHeaders, getToken } from '../api/auth';
import { formatBytes } from '../lib/format';

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' };
const MAX_IMAGE = 10 * 1024 * 1024;
const MAX_CSV = 2 * 1024 * 1024;
const CSV_ROWS = 200;

export interface ArtifactInfo {
  path: string;
  size: number;
  contentType: string;
  downloadUrl: string;
}

export function previewKind(a: ArtifactInfo): 'image' | 'csv' | null {
  const ext = a.path.split('.').pop()?.toLowerCase() ?? '';
  const type = a.contentType.split(';')[0].trim().toLowerCase();
  if ((IMAGE_TYPES[ext] || Object.values(IMAGE_TYPES).includes(type)) && type !== 'image/svg+xml' && a.size <= MAX_IMAGE) return 'image';
  if ((ext === 'csv' || type === 'text/csv') && a.size <= MAX_CSV) return 'csv';
  return null;
}

function imageTypeOf(a: ArtifactInfo): string {
  const ext = a.path.split('.').pop()?.toLowerCase() ?? '';
  const type = a.contentType.split(';')[0].trim().toLowerCase();
  return Object.values(IMAGE_TYPES).includes(type) ? type : IMAGE_TYPES[ext];
}

async function fetchArtifact(a: ArtifactInfo): Promise<Response> {
  const res = await fetch(a.downloadUrl, { headers: authHeaders() });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  return res;
}

function ImagePreview({ a }: { a: ArtifactInfo }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let revoked = false;
    let objectUrl: string | null = null;
    fetchArtifact(a)
      .then((r) => r.arrayBuffer())
      .then((buf) => {
        if (revoked) return;
        objectUrl = URL.createObjectURL(new Blob([buf], { type: imageTypeOf(a) }));
        setUrl(objectUrl);
      })
      .catch((e) => setError(String(e.message ?? e)));
    return () => {
      revoked = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
    // The same file (url and size) is not fetched again when the run is re-read.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [a.downloadUrl, a.size]);
  if (error) return <p className="error">{error}</p>;
  return url ? <img className="artifact-image" src={url} alt={a.path} /> : <p className="muted">Loading…</p>;
}

function CsvPreview({ a }: { a: ArtifactInfo }) {
  const [rows, setRows] = useState<string[][] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([fetchArtifact(a).then((r) => r.text()), import('papaparse')])
      .then(([text, Papa]) => {
        const parsed = Papa.default.parse<string[]>(text, { skipEmptyLines: true, preview: CSV_ROWS + 1 });
        if (live) setRows(parsed.data);
      })
      .catch((e) => setError(String(e.message ?? e)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [a.downloadUrl, a.size]);
  if (error) return <p className="error">{error}</p>;
  if (!rows) return <p className="muted">Loading…</p>;
  const [head, ...body] = rows;
  return (
    <div className="csv-scroll">
      <table className="grid-table small">
        <thead>
          <tr>
            {head?.map((h, i) => (
              <th key={i}>{h.trim()}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.slice(0, CSV_ROWS).map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j} className={/^-?[\d.eE+-]+$/.test(c.trim()) ? 'num' : ''}>
                  {c.trim()}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {body.length > CSV_ROWS && <p className="muted small">First {CSV_ROWS} rows.</p>}
    </div>
  );
}

async function download(a: ArtifactInfo): Promise<void> {
  const blob = await (await fetchArtifact(a)).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = a.path.split('/').pop() ?? 'artifact';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ArtifactList({ artifacts }: { artifacts: ArtifactInfo[] }) {
  const [open, setOpen] = useState<Set<string>>(
    () =>
      new Set(
        artifacts
          .filter((a) => previewKind(a) === 'image')
          .slice(0, 4)
          .map((a) => a.path),
      ),
  );
  if (!artifacts.length) return <p className="muted">No artifact.</p>;
  return (
    <ul className="artifacts">
      {artifacts.map((a) => {
        const kind = previewKind(a);
        const shown = open.has(a.path);
        return (
          <li key={a.path}>
            <div className="artifact-head">
              <span className="mono">{a.path}</span>{' '}
              <span className="muted small">
                {formatBytes(a.size)} · {a.contentType}
              </span>{' '}
              {kind && (
                <button type="button" className="link" onClick={() => setOpen((s) => (s.has(a.path) ? new Set([...s].filter((p) => p !== a.path)) : new Set([...s, a.path])))}>
                  {shown ? 'Hide' : 'Preview'}
                </button>
              )}{' '}
              {/* Without a token (local mode) a plain link downloads; with one the bytes go through fetch. */}
              {getToken() ? (
                <button type="button" className="link" onClick={() => void download(a)}>
                  Download
                </button>
              ) : (
                <a href={a.downloadUrl} download>
                  Download
                </a>
              )}
            </div>
            {shown && kind === 'image' && <ImagePreview a={a} />}
            {shown && kind === 'csv' && <CsvPreview a={a} />}
          </li>
        );
      })}
    </ul>
  );
}
