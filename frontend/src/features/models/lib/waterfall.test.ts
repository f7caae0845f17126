import { describe, expect, it } from 'vitest';

import { buildWaterfall } from './waterfall';

describe('buildWaterfall', () => {
  it('orders by magnitude, folds the rest into "other features", and the steps add up to the output', () => {
    const contributions = [
      { feature: 'a', value: 1, contribution: 0.1 },
      { feature: 'b', value: 'x', contribution: -2 },
      { feature: 'c', value: null, contribution: 0.5 },
      { feature: 'd', value: 3, contribution: 0.05 },
    ];
    const base = 1;
    const output = base + contributions.reduce((total, c) => total + c.contribution, 0);
    const waterfall = buildWaterfall({ baseValue: base, output, contributions }, 2);

    expect(waterfall.steps.map((s) => s.label)).toEqual(['b', 'c', '2 other features']);
    expect(waterfall.steps[1]?.value).toBe('missing');
    expect(waterfall.steps[2]?.others).toBe(2);
    expect(waterfall.steps[2]?.contribution).toBeCloseTo(0.15);
    expect(waterfall.steps[0]?.start).toBe(base);
    for (let i = 1; i < waterfall.steps.length; i++) expect(waterfall.steps[i]?.start).toBe(waterfall.steps[i - 1]?.end);
    expect(waterfall.steps.at(-1)?.end).toBeCloseTo(output);
  });
});
