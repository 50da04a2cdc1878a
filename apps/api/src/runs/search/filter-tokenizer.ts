// Splits a searchRuns filter or order-by term into tokens, each with its 0-based offset for error messages.
import { SearchFilterError } from './search-filter-error';

export type TokenType = 'ident' | 'backquoted' | 'string' | 'number' | 'op' | '(' | ')' | ',' | '.' | 'eof';

export interface Token {
  type: TokenType;
  /** The decoded value: identifier text, unquoted string, operator, or the number's source text. */
  text: string;
  /** The token as written (quotes included), for "Unexpected token" messages. */
  raw: string;
  position: number;
  /** Which quote delimited a `string` token: single quotes are values; double quotes may also name a key (MLflow). */
  quote?: "'" | '"';
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/;
const OPERATORS = ['!=', '<>', '<=', '>=', '==', '=', '<', '>'];

export function tokenize(text: string, input = 'filter'): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '(' || c === ')' || c === ',' || (c === '.' && !/\d/.test(text[i + 1] ?? ''))) {
      tokens.push({ type: c, text: c, raw: c, position: start });
      i++;
      continue;
    }
    if (IDENT_START.test(c)) {
      while (i < text.length && IDENT_PART.test(text[i])) i++;
      const word = text.slice(start, i);
      tokens.push({ type: 'ident', text: word, raw: word, position: start });
      continue;
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) throw new SearchFilterError(`Unterminated backquoted name at position ${start}: expected a closing \``, start, input);
      const name = text.slice(i + 1, end);
      if (name === '') throw new SearchFilterError(`Empty backquoted name at position ${start}`, start, input);
      tokens.push({ type: 'backquoted', text: name, raw: text.slice(start, end + 1), position: start });
      i = end + 1;
      continue;
    }
    if (c === "'" || c === '"') {
      // A quote inside is written doubled ('it''s') or escaped with a backslash ('it\'s').
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new SearchFilterError(`Unterminated string at position ${start}: expected a closing ${c}`, start, input);
        const d = text[i];
        if (d === '\\' && (text[i + 1] === c || text[i + 1] === '\\')) {
          value += text[i + 1];
          i += 2;
        } else if (d === c && text[i + 1] === c) {
          value += c;
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      tokens.push({ type: 'string', text: value, raw: text.slice(start, i), position: start, quote: c });
      continue;
    }
    const num = NUMBER.exec(text.slice(i));
    if (num && (c !== '+' && c !== '-' ? true : num[0].length > 1)) {
      i += num[0].length;
      if (i < text.length && IDENT_PART.test(text[i])) {
        while (i < text.length && IDENT_PART.test(text[i])) i++;
        throw new SearchFilterError(`Unexpected token "${text.slice(start, i)}" at position ${start}: not a number (quote names with backquotes)`, start, input);
      }
      tokens.push({ type: 'number', text: num[0], raw: num[0], position: start });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ type: 'op', text: op === '<>' ? '!=' : op === '==' ? '=' : op, raw: op, position: start });
      i += op.length;
      continue;
    }
    throw new SearchFilterError(`Unexpected character "${c}" at position ${start}`, start, input);
  }
  tokens.push({ type: 'eof', text: '', raw: '', position: text.length });
  return tokens;
}
