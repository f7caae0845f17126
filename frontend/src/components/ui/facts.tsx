import type { ReactNode } from 'react';

import { cn } from '@/lib/cn';

/** The facts about one thing (a dataset, a job, a model version) as a grid of label and value. */
export function Facts({ children, className }: { children: ReactNode; className?: string }) {
  return <dl className={cn('facts', className)}>{children}</dl>;
}

/** One fact inside `Facts`. Wrap a long value in `<span className="fact__truncate" title=…>` to cut it to one line. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt className="fact__label">{label}</dt>
      <dd className="fact__value">{children}</dd>
    </div>
  );
}
