import { useId } from 'react';

import { env } from '@/config/env';
import { cn } from '@/lib/cn';

type LogoProps = {
  /** "light" on dark backgrounds, "dark" on light ones. */
  tone?: 'light' | 'dark';
  size?: 'md' | 'lg';
  showWordmark?: boolean;
  className?: string;
};

export function LogoMark({ size = 32 }: { size?: number }) {
  // Unique per instance: a hidden copy's gradient (display: none) can't be referenced.
  const gradientId = `phantom-logo-${useId().replace(/:/g, '')}`;
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false" className="logo-mark">
      <defs>
        <linearGradient id={gradientId} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#6366f1" />
          <stop offset="1" stopColor="#4338ca" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill={`url(#${gradientId})`} />
      <path
        d="M10 23V9h6.5a4.5 4.5 0 0 1 0 9H13.2"
        fill="none"
        stroke="#fff"
        strokeWidth="2.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
      <circle cx="22.5" cy="22.5" r="2.3" fill="#a5b4fc" />
    </svg>
  );
}

export function Logo({ tone = 'dark', size = 'md', showWordmark = true, className }: LogoProps) {
  const [first, ...rest] = env.NAME.split(' ');
  return (
    <span className={cn('logo', `logo--${tone}`, `logo--${size}`, className)}>
      <LogoMark size={size === 'lg' ? 40 : 30} />
      {showWordmark ? (
        <span className="logo__wordmark">
          <span className="logo__name">{first}</span> {rest.join(' ')}
        </span>
      ) : (
        <span className="sr-only">{env.NAME}</span>
      )}
    </span>
  );
}
