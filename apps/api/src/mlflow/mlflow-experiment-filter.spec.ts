import { describe, expect, it } from 'vitest';
import { SearchFilterError } from '../runs/search/search-filter-error';
import { compareExperiments, matchesAll, parseExperimentFilter, parseExperimentOrder } from './mlflow-experiment-filter';
import type { MlflowExperiment } from './mlflow.mapper';

const exp = (id: string, name: string, created: number, tags: Record<string, string> = {}): MlflowExperiment => ({
  experiment_id: id,
  name,
  artifact_location: `mlflow-artifacts:/${id}`,
  lifecycle_stage: 'active',
  creation_time: created,
  last_update_time: created + 10,
  tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
});

const A = exp('a', 'coco128-person', 100, { team: 'vision', 'mlflow.note.content': 'people' });
const B = exp('b', 'COCO128-car', 200, { team: 'Vision' });
const C = exp('c', 'voc-dog', 300);
const select = (filter: string) => [A, B, C].filter((e) => matchesAll(e, parseExperimentFilter(filter))).map((e) => e.experiment_id);

describe('experiment filters', () => {
  it('matches names with =, !=, LIKE (case-sensitive) and ILIKE, with or without the attribute prefix', () => {
    expect(select("name = 'voc-dog'")).toEqual(['c']);
    expect(select("attribute.name != 'voc-dog'")).toEqual(['a', 'b']);
    expect(select("name LIKE 'coco%'")).toEqual(['a']);
    expect(select("attributes.name ILIKE 'coco128-___'")).toEqual(['b']);
    expect(select("name like '%-%'")).toEqual(['a', 'b', 'c']);
  });

  it('matches tags (backquoted keys too); an experiment without the tag matches nothing', () => {
    expect(select("tags.team = 'vision'")).toEqual(['a']);
    expect(select("tags.team ILIKE 'VISION'")).toEqual(['a', 'b']);
    expect(select("tags.`mlflow.note.content` LIKE 'peo%'")).toEqual(['a']);
    expect(select("tags.team != 'x'")).toEqual(['a', 'b']);
  });

  it('compares times as numbers and ANDs terms', () => {
    expect(select('creation_time >= 200')).toEqual(['b', 'c']);
    expect(select("attribute.last_update_time < 300 and name ILIKE 'coco%'")).toEqual(['a', 'b']);
  });

  it('refuses what it cannot read, with the position', () => {
    const fail = (filter: string) => {
      try {
        parseExperimentFilter(filter);
      } catch (e) {
        return e as SearchFilterError;
      }
      throw new Error('parsed');
    };
    expect(fail('lifecycle_stage = 1')).toMatchObject({ message: 'Unknown experiment attribute "lifecycle_stage" at position 0: expected name, creation_time or last_update_time' });
    expect(fail("name > 'a'")).toMatchObject({ message: 'Unexpected token ">" at position 5: expected one of =, !=, LIKE, ILIKE' });
    expect(fail("creation_time > 'yesterday'")).toMatchObject({ message: `Unexpected token "'yesterday'" at position 16: expected a number (epoch milliseconds) for creation_time` });
    expect(fail("name = 'a' or name = 'b'")).toMatchObject({ message: 'Unexpected token "or" at position 11: expected AND or the end of the filter' });
  });
});

describe('experiment order', () => {
  it('defaults to newest first, then id; order terms come first', () => {
    expect([A, B, C].sort(compareExperiments([])).map((e) => e.experiment_id)).toEqual(['c', 'b', 'a']);
    expect([C, A, B].sort(compareExperiments(parseExperimentOrder(['name ASC']))).map((e) => e.name)).toEqual(['COCO128-car', 'coco128-person', 'voc-dog']);
    expect([A, C, B].sort(compareExperiments(parseExperimentOrder(['attribute.creation_time']))).map((e) => e.experiment_id)).toEqual(['a', 'b', 'c']);
  });

  it('refuses ordering by a tag', () => {
    expect(() => parseExperimentOrder(['tags.team DESC'])).toThrow('order_by[0]: experiments cannot be ordered by a tag');
  });
});
