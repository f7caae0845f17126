import { niceMax } from '@/lib/charts';

export type BarScale = {
  /** Domain bounds, tidied (0 is always inside). */
  min: number;
  max: number;
  /** Pixel position of a value. */
  x: (value: number) => number;
  /** Where bars start: the position of 0. */
  zero: number;
  ticks: number[];
};

/**
 * A horizontal scale over `values` for bars drawn from 0, between pixels `left` and `right`.
 * Negative values (e.g. permutation importances below zero, signed scores) get room left of 0.
 */
export function barScale(values: readonly number[], left: number, right: number): BarScale {
  const finite = values.filter((value) => Number.isFinite(value));
  const high = Math.max(0, ...finite);
  const low = Math.min(0, ...finite);
  const max = high > 0 ? niceMax(high) : low < 0 ? 0 : 1;
  const min = low < 0 ? -niceMax(-low) : 0;
  const span = max - min || 1;
  const x = (value: number) => left + ((Math.min(max, Math.max(min, value)) - min) / span) * (right - left);
  const candidates = min < 0 && max > 0 ? [min, 0, max] : min < 0 ? [min, min / 2, 0] : [0, max / 2, max];
  // A sliver of negative room (e.g. -0.005 next to 0.1) gets no label of its own: they would overlap.
  const ticks = candidates.filter((tick) => tick === 0 || Math.abs(tick) / span >= 0.15);
  return { min, max, x, zero: x(0), ticks };
}
