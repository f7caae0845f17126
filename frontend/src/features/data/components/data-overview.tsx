import { AreaPlaceholder } from '@/components/ui/area-placeholder';
import { DataIcon, EyeIcon, GitBranchIcon, LockIcon } from '@/components/ui/icons';

export function DataOverview() {
  return (
    <AreaPlaceholder
      eyebrow="Machine learning"
      title="Data"
      description="The datasets your experiments train and validate on."
      icon={<DataIcon size={26} />}
      emptyTitle="No datasets yet"
      emptyText="Datasets added to your organization appear here with their schema, profile and the experiments that use them."
      gridHeading="Every dataset will show"
      items={[
        { icon: <EyeIcon size={18} />, title: 'Profile', text: 'Column types, missing values and distributions at a glance.' },
        { icon: <GitBranchIcon size={18} />, title: 'Lineage', text: 'Where it came from and which models were trained on it.' },
        { icon: <LockIcon size={18} />, title: 'Access', text: 'Who in your organization can see and use it.' },
      ]}
    />
  );
}
