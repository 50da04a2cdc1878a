// Parses token lifetimes for the CLI: a duration (`90m`, `12h`, `30d`, `2w`) from now, or an ISO date.
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseExpiry(text: string, now = Date.now()): Date {
  const m = /^(\d+)([smhdw])$/.exec(text.trim());
  if (m) {
    const n = Number(m[1]);
    if (n <= 0) throw new Error(`--expires must be a positive duration, got "${text}"`);
    return new Date(now + n * UNIT_MS[m[2]]);
  }
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at.getTime())) throw new Error(`--expires must be a duration like 30d, 12h, 90m or an ISO date, got "${text}"`);
  if (at.getTime() <= now) throw new Error(`--expires must be in the future, got "${text}"`);
  return at;
}
