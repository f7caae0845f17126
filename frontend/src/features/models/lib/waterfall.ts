/** One step of a waterfall: from `start` to `end` (end - start is the contribution). */
export type WaterfallStep = {
  label: string;
  /** The row's value of the feature, as text; null for "other features". */
  value: string | null;
  contribution: number;
  start: number;
  end: number;
  /** How many features "other" stands for (0 for a single feature). */
  others: number;
};

export type Waterfall = { base: number; output: number; steps: WaterfallStep[] };

export const WATERFALL_TOP = 8;

function valueText(value: unknown): string {
  if (value === null || value === undefined) return 'missing';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * The base value, then the `top` largest contributions by magnitude (largest first), then
 * the rest summed as one "other features" step, ending at the output. The steps add up:
 * each starts where the previous ended.
 */
export function buildWaterfall(
  explanation: {
    baseValue: number;
    output: number;
    contributions: readonly { feature: string; value?: unknown; contribution: number }[];
  },
  top = WATERFALL_TOP,
): Waterfall {
  const sorted = [...explanation.contributions].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  const shown = sorted.slice(0, top);
  const rest = sorted.slice(top);
  const steps: WaterfallStep[] = [];
  let at = explanation.baseValue;
  for (const c of shown) {
    steps.push({ label: c.feature, value: valueText(c.value), contribution: c.contribution, start: at, end: at + c.contribution, others: 0 });
    at += c.contribution;
  }
  if (rest.length > 0) {
    const sum = rest.reduce((total, c) => total + c.contribution, 0);
    steps.push({
      label: `${rest.length} other feature${rest.length === 1 ? '' : 's'}`,
      value: null,
      contribution: sum,
      start: at,
      end: at + sum,
      others: rest.length,
    });
  }
  return { base: explanation.baseValue, output: explanation.output, steps };
}
