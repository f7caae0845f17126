import type { ReactNode } from 'react';

import { Card } from './card';
import { EmptyState } from './empty-state';
import { InfoGrid, type InfoItem } from './info-grid';
import { PageHeader } from './page-header';

export type AreaPlaceholderProps = {
  eyebrow: string;
  title: string;
  description: string;
  icon: ReactNode;
  emptyTitle: string;
  emptyText: string;
  gridHeading: string;
  items: InfoItem[];
  numbered?: boolean;
};

/** An area that has no data yet: says honestly what will appear here, and nothing more. */
export function AreaPlaceholder(props: AreaPlaceholderProps) {
  return (
    <>
      <PageHeader eyebrow={props.eyebrow} title={props.title} description={props.description} />
      <Card>
        <EmptyState icon={props.icon} title={props.emptyTitle} description={props.emptyText}>
          <InfoGrid heading={props.gridHeading} items={props.items} numbered={props.numbered} />
        </EmptyState>
      </Card>
    </>
  );
}
