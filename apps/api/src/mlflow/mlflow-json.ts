// MLflow request bodies: read within the body limit (the api's body parser is off so artifacts can stream), and
// parsed as JSON that may carry Python's bare NaN / Infinity / -Infinity tokens (json.dumps writes them), which are
// taken as the strings "NaN", "Infinity", "-Infinity" (what MLflow's own client sends for those values). Never eval.
import type { IncomingMessage } from 'node:http';
import { AppError, badInput } from '../common/app-error';

export const payloadTooLarge = (limit: number): AppError =>
  new AppError('PAYLOAD_TOO_LARGE', `Request body exceeds the limit of ${limit} bytes (PODIUM_BODY_LIMIT_BYTES); nothing was stored`, { limitBytes: limit });

/** The request's body as UTF-8 text; PAYLOAD_TOO_LARGE past `limit` bytes (told by Content-Length or counted). */
export async function readBodyText(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Stop reading: the answer closes the connection (the rest of the body is not drained).
    if (size > limit) throw payloadTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, size));
  } catch {
    throw badInput('Request body is not valid UTF-8');
  }
}

const TOKENS: readonly [string, string][] = [
  ['NaN', '"NaN"'],
  ['Infinity', '"Infinity"'],
  ['-Infinity', '"-Infinity"'],
];
const WORD = /[A-Za-z0-9_$]/;

/**
 * The text with every bare NaN, Infinity and -Infinity token outside a string replaced by its quoted form; the text
 * itself when it has none. Strings (with their escapes) are skipped; a token must stand alone (`NaNa` is left as it
 * is for JSON.parse to refuse).
 */
export function quoteNonFiniteTokens(text: string): string {
  const parts: string[] = [];
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    if (c !== 'N' && c !== 'I' && c !== '-') continue;
    const hit = TOKENS.find(([token]) => text.startsWith(token, i));
    if (!hit || (i > 0 && WORD.test(text[i - 1])) || WORD.test(text[i + hit[0].length] ?? '')) continue;
    parts.push(text.slice(from, i), hit[1]);
    i += hit[0].length - 1;
    from = i + 1;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(from));
  return parts.join('');
}

/**
 * Parses an MLflow request body into its JSON object ({} when empty). Valid JSON takes the fast path; bare non-finite
 * tokens are accepted on a second pass. A body double-encoded as a JSON string (older clients) is decoded once more.
 */
export function parseMlflowBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value = parseTolerant(text);
  if (typeof value === 'string') value = parseTolerant(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badInput('Request body must be a JSON object');
  return value as Record<string, unknown>;
}

function parseTolerant(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    const quoted = quoteNonFiniteTokens(text);
    if (quoted !== text) {
      try {
        return JSON.parse(quoted);
      } catch {
        // Report the error of the text as sent.
      }
    }
    throw badInput(`Malformed JSON request body: ${(first as Error).message}`);
  }
}
