import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { DataIcon, EyeIcon, GitBranchIcon, LockIcon } from '@/components/ui/icons';
import { InfoGrid } from '@/components/ui/info-grid';
import { PageHeader } from '@/components/ui/page-header';

export function DataOverview() {
  return (
    <>
      <PageHeader
        eyebrow="Machine learning"
        title="Data"
        description="The datasets your experiments train and validate on."
      />
      <Card>
        <EmptyState
          icon={<DataIcon size={26} />}
          title="No datasets yet"
          description="Datasets added to your organization appear here with their schema, profile and the experiments that use them."
        >
          <InfoGrid
            heading="Every dataset will show"
            items={[
              { icon: <EyeIcon size={18} />, title: 'Profile', text: 'Column types, missing values and distributions at a glance.' },
              { icon: <GitBranchIcon size={18} />, title: 'Lineage', text: 'Where it came from and which models were trained on it.' },
              { icon: <LockIcon size={18} />, title: 'Access', text: 'Who in your organization can see and use it.' },
            ]}
          />
        </EmptyState>
      </Card>
    </>
  );
}
