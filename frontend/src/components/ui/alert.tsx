import type { ReactNode } from 'react';

import { cn } from '@/lib/cn';

import { AlertCircleIcon, AlertTriangleIcon, CheckIcon } from './icons';

type AlertProps = {
  tone?: 'danger' | 'warning' | 'success' | 'info';
  title?: ReactNode;
  children?: ReactNode;
  /** Pass "alert" for messages that must be announced immediately. */
  role?: 'alert' | 'status';
  className?: string;
};

export function Alert({ tone = 'danger', title, children, role, className }: AlertProps) {
  const Icon = tone === 'success' ? CheckIcon : tone === 'warning' ? AlertTriangleIcon : AlertCircleIcon;
  return (
    <div className={cn('alert', `alert--${tone}`, className)} role={role}>
      <Icon className="alert__icon" size={18} />
      <div className="alert__content">
        {title ? <p className="alert__title">{title}</p> : null}
        {children ? <div className="alert__body">{children}</div> : null}
      </div>
    </div>
  );
}
