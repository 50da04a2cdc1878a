import { describe, expect, it } from 'vitest';
import { hoursAfter, T0 } from '../test/fixtures';
import { productionVersionAt, type StageTransitionLike } from './history';

const t = (sequence: number, version: number, fromStage: StageTransitionLike['fromStage'], toStage: StageTransitionLike['toStage'], h: number): StageTransitionLike => ({
  sequence,
  version,
  fromStage,
  toStage,
  at: hoursAfter(T0, h),
});

describe('productionVersionAt', () => {
  const history = [
    t(1, 1, 'NONE', 'STAGING', 1),
    t(2, 1, 'STAGING', 'PRODUCTION', 2),
    t(3, 2, 'NONE', 'STAGING', 3),
    t(4, 1, 'PRODUCTION', 'ARCHIVED', 4),
    t(5, 2, 'STAGING', 'PRODUCTION', 4),
    t(6, 2, 'PRODUCTION', 'ARCHIVED', 6),
  ];

  it.each([
    [0, null],
    [2, 1],
    [3.5, 1],
    [4, 2],
    [5, 2],
    [6, null],
  ])('at T0+%sh is %s', (h, expected) => {
    expect(productionVersionAt([...history].reverse(), hoursAfter(T0, h))).toBe(expected);
  });
});
