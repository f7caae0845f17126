import { useEffect, useRef } from 'react';
import { useSubscription } from 'urql';

import { ComplianceOverviewUpdatesSubscription } from '../api/overview';

/** Calls `onUpdate` on each `overviewUpdates` nudge (an approval, promotion or alert changed). */
export function useComplianceOverviewUpdates(enabled: boolean, onUpdate: () => void): void {
  const [{ data }] = useSubscription(
    { query: ComplianceOverviewUpdatesSubscription, pause: !enabled },
    (previous: number | undefined): number => (previous ?? 0) + 1,
  );
  const count = data ?? 0;
  const callback = useRef(onUpdate);
  useEffect(() => {
    callback.current = onUpdate;
  });
  useEffect(() => {
    if (count > 0) callback.current();
  }, [count]);
}
