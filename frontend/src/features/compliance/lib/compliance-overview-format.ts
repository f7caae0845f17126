// Pure helpers of the compliance overview.

/** Hours as an age a person reads: "less than an hour", "5 hours", "3 days". */
export function formatAge(hours: number | null | undefined, locale?: string): string {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return '—';
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  if (hours < 1) return 'less than an hour';
  if (hours < 48) {
    const value = Math.floor(hours);
    return `${number.format(value)} hour${value === 1 ? '' : 's'}`;
  }
  return `${number.format(Math.floor(hours / 24))} days`;
}

/** A request's deadline in words: "12 days left", "due today", "3 days overdue". */
export function formatDaysLeft(days: number): string {
  if (days === 0) return 'due today';
  if (days > 0) return `${days} day${days === 1 ? '' : 's'} left`;
  return `${-days} day${days === -1 ? '' : 's'} overdue`;
}

/** Under a week left (or overdue): shown in red. */
export const URGENT_DAYS = 7;
