// Pure helpers of the value panel: the one-sentence summary a non-specialist reads, and
// the value model form's checks (money: formatMoney in lib/format).
import type { ModelValueQuery, SetValueModelInput, ValueModelFieldsFragment } from '@/gql/graphql';
import { formatMoney } from '@/lib/format';

export type ModelValue = ModelValueQuery['modelValue'];


/** A threshold as people read it: 0.42 (two decimals, the curve's step). */
export function formatThreshold(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}

const BASELINE_LABEL: Record<ModelValue['baselineStrategy'], string> = {
  ALL_POSITIVE: 'treating every case as positive',
  ALL_NEGATIVE: 'treating every case as negative',
  CONSTANT: 'the same answer for everyone',
};

export function baselineLabel(value: Pick<ModelValue, 'baselineStrategy'>): string {
  return BASELINE_LABEL[value.baselineStrategy];
}

/**
 * "At threshold 0.42 each prediction is worth about €3.10, €31,000 a month for 10,000
 * predictions; the best threshold 0.35 would add €1,200 a month."
 */
export function valueSummary(value: ModelValue, locale?: string): string {
  const currency = value.valueModel.currency;
  const money = (amount: number) => formatMoney(amount, currency, locale);
  const volume = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value.valueModel.monthlyVolume);
  const at = value.threshold !== null && value.threshold !== undefined ? `At threshold ${formatThreshold(value.threshold, locale)} each` : 'Each';
  let sentence = `${at} prediction is worth about ${money(value.valuePerPrediction)}, ${money(value.monthlyValue)} a month for ${volume} predictions`;
  const gainAtBest = value.monthlyValueAtBest - value.monthlyValue;
  if (value.bestThreshold !== null && value.bestThreshold !== undefined) {
    sentence +=
      gainAtBest > 0.005
        ? `; the best threshold ${formatThreshold(value.bestThreshold, locale)} would add ${money(gainAtBest)} a month.`
        : '; this is already the best threshold.';
  } else {
    sentence += '.';
  }
  return sentence;
}

/** Compared with no model: "€4,000 a month more than treating every case as negative". */
export function baselineSummary(value: ModelValue, locale?: string): string {
  const gain = value.monthlyGainOverBaseline;
  const amount = formatMoney(Math.abs(gain), value.valueModel.currency, locale);
  return `${amount} a month ${gain >= 0 ? 'more' : 'less'} than without the model (${baselineLabel(value)}).`;
}

export type ValueTask = 'BINARY' | 'REGRESSION' | 'MULTICLASS';

/** The form's text fields, as typed. */
export type ValueFormState = {
  currency: string;
  monthlyVolume: string;
  truePositiveValue: string;
  trueNegativeValue: string;
  falsePositiveCost: string;
  falseNegativeCost: string;
  underPredictionCost: string;
  overPredictionCost: string;
};

export const VALUE_FIELDS: Record<'BINARY' | 'REGRESSION', (keyof ValueFormState)[]> = {
  BINARY: ['truePositiveValue', 'trueNegativeValue', 'falsePositiveCost', 'falseNegativeCost'],
  REGRESSION: ['underPredictionCost', 'overPredictionCost'],
};

/** Costs are positive amounts (subtracted); values may be negative. */
const COSTS = new Set<keyof ValueFormState>(['falsePositiveCost', 'falseNegativeCost', 'underPredictionCost', 'overPredictionCost']);

function text(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

export function formStateOf(model: ValueModelFieldsFragment | null | undefined): ValueFormState {
  return {
    currency: model?.currency ?? 'EUR',
    monthlyVolume: model ? String(model.monthlyVolume) : '',
    truePositiveValue: text(model?.truePositiveValue),
    trueNegativeValue: text(model?.trueNegativeValue),
    falsePositiveCost: text(model?.falsePositiveCost),
    falseNegativeCost: text(model?.falseNegativeCost),
    underPredictionCost: text(model?.underPredictionCost),
    overPredictionCost: text(model?.overPredictionCost),
  };
}

export type ValueFormErrors = Partial<Record<keyof ValueFormState, string>>;

/** The mutation's input, or what to fix (the server checks again, e.g. the currency list). */
export function parseValueForm(
  state: ValueFormState,
  task: 'BINARY' | 'REGRESSION',
  modelVersionId: string,
): { input: SetValueModelInput } | { errors: ValueFormErrors } {
  const errors: ValueFormErrors = {};
  const currency = state.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) errors.currency = 'A three-letter currency code, e.g. EUR or USD.';
  const volume = Number(state.monthlyVolume);
  if (state.monthlyVolume.trim() === '' || !Number.isInteger(volume) || volume < 0 || volume > 1_000_000_000) {
    errors.monthlyVolume = 'A whole number of predictions a month, 0 to 1,000,000,000.';
  }
  const input: SetValueModelInput = { modelVersionId, currency, monthlyVolume: volume };
  for (const field of VALUE_FIELDS[task]) {
    const raw = state[field].trim().replace(',', '.');
    const amount = Number(raw);
    if (raw === '' || !Number.isFinite(amount) || Math.abs(amount) > 1e9) {
      errors[field] = 'An amount between -1,000,000,000 and 1,000,000,000.';
    } else if (COSTS.has(field) && amount < 0) {
      errors[field] = 'A cost: give it as a positive amount (0 for none).';
    } else {
      (input as Record<string, unknown>)[field] = amount;
    }
  }
  return Object.keys(errors).length ? { errors } : { input };
}
