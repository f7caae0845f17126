import { AreaPlaceholder } from '@/components/ui/area-placeholder';
import { FileTextIcon, KeyIcon, LockIcon, ModelsIcon } from '@/components/ui/icons';

export function ComplianceOverview() {
  return (
    <AreaPlaceholder
      eyebrow="Governance"
      title="Compliance"
      description="Evidence for model risk management reviews and regulatory examinations."
      icon={<FileTextIcon size={26} />}
      emptyTitle="The audit trail appears here"
      emptyText="Who did what, and when: each recorded action is listed with its actor, time and details, ready to filter and export for reviewers."
      gridHeading="What the trail will record"
      items={[
        { icon: <LockIcon size={18} />, title: 'Access', text: 'Sign-ins and sign-outs across your organization.' },
        { icon: <KeyIcon size={18} />, title: 'API tokens', text: 'Tokens created and revoked, and by whom.' },
        {
          icon: <ModelsIcon size={18} />,
          title: 'Model lifecycle',
          text: 'Training, approval and deployment decisions.',
        },
      ]}
    />
  );
}
