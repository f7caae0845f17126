import { lazy, Suspense } from 'react';

import { useDocumentTitle } from '@/app/use-document-title';
import { Spinner } from '@/components/ui/spinner';

const AlertsPage = lazy(() => import('@/features/alerts/components/alerts-page').then((m) => ({ default: m.AlertsPage })));

export function AlertsRoute() {
  useDocumentTitle('Alerts');
  return (
    <Suspense
      fallback={
        <div className="section-loading">
          <Spinner size={20} label="Loading the alerts" />
        </div>
      }
    >
      <AlertsPage />
    </Suspense>
  );
}
