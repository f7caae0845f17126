import { cn } from '@/lib/cn';

import { clamp01 } from '../lib/models-format';

/** A determinate bar for a job's progress (0..1); `label` names it for screen readers. */
export function ProgressBar({
  progress,
  label,
  size = 'md',
  active = true,
  className,
}: {
  progress: number;
  label: string;
  size?: 'sm' | 'md';
  /** False once the job stopped: no pulse. */
  active?: boolean;
  className?: string;
}) {
  const percent = Math.round(clamp01(progress) * 100);
  return (
    <div
      className={cn('job-progress', `job-progress--${size}`, active && 'job-progress--active', className)}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={`${percent}%`}
    >
      <div className="job-progress__bar" style={{ width: `${percent}%` }} />
    </div>
  );
}
