import { Link } from 'react-router';

import { useDocumentTitle } from '@/app/use-document-title';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { AlertCircleIcon } from '@/components/ui/icons';
import { DEFAULT_LANDING } from '@/config/paths';

export function NotFoundRoute() {
  useDocumentTitle('Page not found');
  return (
    <Card>
      <EmptyState
        icon={<AlertCircleIcon size={26} />}
        title="Page not found"
        description="The page you asked for does not exist or has moved."
      >
        <Link className="btn btn--secondary btn--md" to={DEFAULT_LANDING}>
          Go to the executive overview
        </Link>
      </EmptyState>
    </Card>
  );
}
