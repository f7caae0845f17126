import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { LockIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';

/** Shown instead of a Models page to a viewer without the permission it needs (the server would refuse anyway). */
export function ModelsNoAccess({ permission, title = 'Models' }: { permission: string; title?: string }) {
  return (
    <>
      <PageHeader eyebrow="Machine learning" title={title} />
      <Card>
        <EmptyState
          icon={<LockIcon size={24} />}
          title="You do not have access to this"
          description={`Ask an administrator of your organization for a role that includes ${permission}.`}
        />
      </Card>
    </>
  );
}
