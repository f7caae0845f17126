import type { HTMLAttributes, ReactNode } from 'react';

import { cn } from '@/lib/cn';

export function Card({ className, ...props }: HTMLAttributes<HTMLElement>) {
  return <section className={cn('card', className)} {...props} />;
}

type CardHeaderProps = {
  title: ReactNode;
  description?: ReactNode;
  icon?: ReactNode;
  actions?: ReactNode;
  /** Heading level of the title, to keep the document outline right. */
  as?: 'h2' | 'h3';
  id?: string;
};

export function CardHeader({ title, description, icon, actions, as: Heading = 'h2', id }: CardHeaderProps) {
  return (
    <header className="card__header">
      {icon ? <span className="card__icon">{icon}</span> : null}
      <div className="card__heading">
        <Heading className="card__title" id={id}>
          {title}
        </Heading>
        {description ? <p className="card__description">{description}</p> : null}
      </div>
      {actions ? <div className="card__actions">{actions}</div> : null}
    </header>
  );
}

export function CardBody({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div className={cn('card__body', className)} {...props} />;
}
