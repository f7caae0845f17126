import { formatDateTime, formatRelative } from '@/lib/format';

/** "3 minutes ago", with the exact date and time on hover; `empty` (default "—") when there is none. */
export function RelativeTime({ value, empty = '—' }: { value: string | null | undefined; empty?: string }) {
  if (!value) return <span className="muted">{empty}</span>;
  return (
    <time dateTime={value} title={formatDateTime(value)}>
      {formatRelative(value)}
    </time>
  );
}
