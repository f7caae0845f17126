import { usePermissions } from '@/lib/permissions';

import { DataNoAccess } from './data-no-access';
import { DatasetPage } from './dataset-page';

/** /data/:id: one dataset with its profile (needs datasets:read). */
export function DatasetDetail({ id }: { id: string }) {
  const permissions = usePermissions();
  return permissions.has('datasets:read') ? <DatasetPage key={id} id={id} /> : <DataNoAccess />;
}
