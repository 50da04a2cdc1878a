import { describe, expect, it } from 'vitest';
import { AppError } from '../common/app-error';
import { parseMlflowBody, quoteNonFiniteTokens } from './mlflow-json';

describe('quoteNonFiniteTokens', () => {
  it('quotes bare NaN, Infinity and -Infinity as Python json.dumps writes them', () => {
    expect(quoteNonFiniteTokens('{"value": NaN, "a": [Infinity, -Infinity, 1]}')).toBe('{"value": "NaN", "a": ["Infinity", "-Infinity", 1]}');
  });

  it('leaves tokens inside strings alone, escaped quotes included', () => {
    const text = '{"key": "NaN \\" Infinity", "v": NaN}';
    expect(quoteNonFiniteTokens(text)).toBe('{"key": "NaN \\" Infinity", "v": "NaN"}');
  });

  it('leaves words that only start or end like a token', () => {
    expect(quoteNonFiniteTokens('[NaNa, xNaN, Infinityy]')).toBe('[NaNa, xNaN, Infinityy]');
  });

  it('returns the same text when there is nothing to quote', () => {
    const text = '{"a": 1}';
    expect(quoteNonFiniteTokens(text)).toBe(text);
  });
});

describe('parseMlflowBody', () => {
  it('parses bare non-finite tokens into the strings MLflow uses', () => {
    expect(parseMlflowBody('{"metrics": [{"key": "loss", "value": NaN}, {"key": "x", "value": -Infinity}]}')).toEqual({
      metrics: [
        { key: 'loss', value: 'NaN' },
        { key: 'x', value: '-Infinity' },
      ],
    });
  });

  it('takes an empty body as {} and a double-encoded body as its object', () => {
    expect(parseMlflowBody('')).toEqual({});
    expect(parseMlflowBody(JSON.stringify(JSON.stringify({ run_id: 'r' })))).toEqual({ run_id: 'r' });
  });

  it('refuses malformed JSON and non-objects with BAD_USER_INPUT', () => {
    const refused = (text: string) => {
      try {
        parseMlflowBody(text);
      } catch (e) {
        return e as AppError;
      }
      throw new Error('accepted');
    };
    expect(refused('{"a": nan}')).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^Malformed JSON request body: /) });
    expect(refused('{"a": NaN')).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^Malformed JSON request body: /) });
    expect(refused('[1, 2]')).toMatchObject({ code: 'BAD_USER_INPUT', message: 'Request body must be a JSON object' });
    expect(refused('null')).toMatchObject({ code: 'BAD_USER_INPUT', message: 'Request body must be a JSON object' });
  });
});
