import { describe, expect, it } from 'vitest';

import { barScale } from './bar-scale';

describe('barScale', () => {
  it('starts bars at zero and makes room for negative values', () => {
    const positive = barScale([0.4, 0.9], 100, 300);
    expect(positive.min).toBe(0);
    expect(positive.max).toBe(1);
    expect(positive.zero).toBe(100);
    expect(positive.x(0.5)).toBe(200);

    const mixed = barScale([-0.2, 0.8], 0, 100);
    expect(mixed.min).toBe(-0.2);
    expect(mixed.max).toBe(1);
    expect(mixed.zero).toBeCloseTo(100 / 6);
  });
});
