// Pure helpers of the forecast chart and backtest summary.

export type HistoryPoint = { time: string; value: number };
export type ForecastStep = { series?: string | null; time: string; mean: number; lower: number; upper: number };

/** The server's times are naive UTC ("2023-01-01T00:00:00"): read them as UTC, never as local time. */
export function parseUtc(time: string): number {
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(time) ? time : `${time}Z`;
  return Date.parse(zoned);
}

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const minuteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** Dates alone when every time is midnight (daily, weekly, monthly data), else date and time (UTC). */
export function timeFormatter(times: readonly number[]): (time: number) => string {
  const daily = times.every((time) => time % 86_400_000 === 0);
  return (time) => (daily ? dayFormat : minuteFormat).format(new Date(time));
}

/** Four significant digits, thousands grouped: 1,234, 12.35, 0.001234. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString();
  return Number(value.toPrecision(4)).toLocaleString(undefined, { maximumFractionDigits: 6 });
}

/** MASE to three decimals ("—" when the backtest did not score it). */
export function formatMase(value: number | null | undefined): string {
  return value == null || !Number.isFinite(value) ? '—' : value.toFixed(3);
}

/** How the served forecast compares with the seasonal-naive baseline (MASE: lower is better). */
export function maseVerdict(mase: number | null | undefined, naive: number | null | undefined): string {
  if (mase == null || naive == null) return 'The backtest has no score to compare with seasonal naive.';
  if (mase < naive) {
    const gain = naive > 0 ? Math.round((1 - mase / naive) * 100) : 0;
    return `Beats seasonal naive: ${gain} % lower error on the last backtest window.`;
  }
  if (mase === naive) return 'Ties seasonal naive on the last backtest window.';
  return 'Does not beat seasonal naive on the last backtest window.';
}

/** The forecast steps of one series (a single-series version answers series: null). */
export function stepsOf(forecasts: readonly ForecastStep[], series: string | null): ForecastStep[] {
  return forecasts.filter((step) => (step.series ?? null) === series);
}
