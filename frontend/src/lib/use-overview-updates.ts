import { useEffect, useRef } from 'react';
import { useSubscription } from 'urql';

import { graphql } from '@/gql';

export const OverviewUpdatesSubscription = graphql(`
  subscription OverviewUpdates {
    overviewUpdates {
      topic
      occurredAt
    }
  }
`);

/**
 * Calls `onUpdate` each time `overviewUpdates` says a figure of the executive or the
 * compliance overview may have changed (the event carries no data: the caller refetches).
 * Returns how many nudges arrived.
 */
export function useOverviewUpdates(enabled: boolean, onUpdate: () => void): number {
  const [{ data }] = useSubscription(
    { query: OverviewUpdatesSubscription, pause: !enabled },
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
  return count;
}
