import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { FileTextIcon, KeyIcon, LockIcon, ModelsIcon } from '@/components/ui/icons';
import { InfoGrid } from '@/components/ui/info-grid';
import { PageHeader } from '@/components/ui/page-header';

export function ComplianceOverview() {
  return (
    <>
      <PageHeader
        eyebrow="Governance"
        title="Compliance"
        description="Evidence for model risk management reviews and regulatory examinations."
      />
      <Card>
        <EmptyState
          icon={<FileTextIcon size={26} />}
          title="The audit trail appears here"
          description="Who did what, and when: each recorded action is listed with its actor, time and details, ready to filter and export for reviewers."
        >
          <InfoGrid
            heading="What the trail will record"
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
        </EmptyState>
      </Card>
    </>
  );
}
