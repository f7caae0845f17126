import { lazy, Suspense } from 'react';

import { useDocumentTitle } from '@/app/use-document-title';
import { Spinner } from '@/components/ui/spinner';

const ApprovalsPage = lazy(() =>
  import('@/features/models/components/approvals/approvals-page').then((m) => ({ default: m.ApprovalsPage })),
);

export function ApprovalsRoute() {
  useDocumentTitle('Approvals');
  return (
    <Suspense
      fallback={
        <div className="section-loading">
          <Spinner size={20} label="Loading the approvals" />
        </div>
      }
    >
      <ApprovalsPage />
    </Suspense>
  );
}
