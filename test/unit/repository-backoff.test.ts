import { describe, expect, it } from 'vitest';
import { jittered, nextCheckDelay } from '../../src/repositories/checkRepository';

describe('nextCheckDelay', () => {
  it('waits the interval while checks succeed and after the first failure, then doubles per failure', () => {
    expect([0, 1, 2, 3, 4].map((n) => nextCheckDelay(300_000, n))).toEqual([
      300_000, 300_000, 600_000, 1_200_000, 2_400_000,
    ]);
  });

  it('never waits more than an hour, nor less than the interval', () => {
    expect(nextCheckDelay(300_000, 5)).toBe(3_600_000);
    expect(nextCheckDelay(300_000, 40)).toBe(3_600_000);
    expect(nextCheckDelay(7_200_000, 3)).toBe(7_200_000);
  });
});

describe('jittered', () => {
  it('spreads a wait by ±10%', () => {
    expect(jittered(1000, () => 0)).toBe(900);
    expect(jittered(1000, () => 0.5)).toBe(1000);
    expect(jittered(1000, () => 1)).toBe(1100);
  });
});
