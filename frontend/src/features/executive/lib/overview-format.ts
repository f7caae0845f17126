// Pure formatting for the overviews: the viewer's locale, the value model's currency.

/** The periods the overview offers; anything else in the URL falls back to 30. */
export const PERIODS = [7, 30, 90] as const;
export type Period = (typeof PERIODS)[number];

export function parsePeriod(value: string | null): Period {
  const number = Number(value);
  return (PERIODS as readonly number[]).includes(number) ? (number as Period) : 30;
}

/** 0.124 → "+12.4%", -0.05 → "−5%"; null (no previous volume) → null. */
export function formatTrend(trend: number | null | undefined, locale?: string): string | null {
  if (trend === null || trend === undefined || !Number.isFinite(trend)) return null;
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(
    trend,
  );
}

/** 0.875 → "87.5%". */
export function formatShare(value: number | null | undefined, locale?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
}


/** Seconds of compute as a person reads them: "45 s", "12 min", "3.5 h". */
export function formatDuration(seconds: number | null | undefined, locale?: string): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const number = (value: number, digits: number) =>
    new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
  if (seconds < 60) return `${number(seconds, 0)} s`;
  if (seconds < 3600) return `${number(seconds / 60, 0)} min`;
  return `${number(seconds / 3600, 1)} h`;
}

/** Hours as an age: "5 hours", "3 days". */
export function formatAgeHours(hours: number | null | undefined, locale?: string): string {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return '—';
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  if (hours < 1) return 'less than an hour';
  if (hours < 48) {
    const value = Math.floor(hours);
    return `${number.format(value)} hour${value === 1 ? '' : 's'}`;
  }
  const days = Math.floor(hours / 24);
  return `${number.format(days)} days`;
}
