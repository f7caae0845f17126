import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { LockIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';

/** Shown instead of the Data area to a viewer without datasets:read (the server would refuse anyway). */
export function DataNoAccess() {
  return (
    <>
      <PageHeader eyebrow="Machine learning" title="Data" />
      <Card>
        <EmptyState
          icon={<LockIcon size={24} />}
          title="You do not have access to datasets"
          description="Ask an administrator of your organization for a role that includes datasets:read."
        />
      </Card>
    </>
  );
}
