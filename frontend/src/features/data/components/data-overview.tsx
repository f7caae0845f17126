import { usePermissions } from '@/lib/permissions';

import { DataNoAccess } from './data-no-access';
import { DatasetsList } from './datasets-list';

/** /data: the datasets of the organization (needs datasets:read). */
export function DataOverview() {
  const permissions = usePermissions();
  return permissions.has('datasets:read') ? <DatasetsList /> : <DataNoAccess />;
}
