import { useCallback, useEffect, useState } from 'react';

import { toAppError, type AppError } from '@/lib/errors';

/** What a rendered page of a Relay connection reports to its list. */
export type PageReport = { endCursor: string | null | undefined; hasNextPage: boolean; totalCount: number; count: number };

/** One page of a list: where it starts, and how it reports back (pass it to `useReportPage`). */
export type PageSlot = {
  key: string;
  after: string | null;
  onLoaded: (key: string, report: PageReport) => void;
  onError: (key: string, error: AppError | null) => void;
};

export type ConnectionPages = ReturnType<typeof useConnectionPages>;

type Connection = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null | undefined };
  edges: readonly unknown[];
};

function samePage(a: PageReport | undefined, b: PageReport): boolean {
  return (
    !!a && a.endCursor === b.endCursor && a.hasNextPage === b.hasNextPage && a.totalCount === b.totalCount && a.count === b.count
  );
}

/**
 * "Load more" over a Relay connection. Each page is its own component with its own query
 * (so every page stays live in urql's cache and refetches after mutations); the pages report
 * their cursor, counts and errors here. Changing `filterKey` starts again from the first page.
 */
export function useConnectionPages(filterKey: string) {
  const [paging, setPaging] = useState<{ filterKey: string; cursors: (string | null)[] }>({
    filterKey,
    cursors: [null],
  });
  const cursors = paging.filterKey === filterKey ? paging.cursors : [null];
  const pageKeys = cursors.map((after) => `${filterKey}:${after ?? ''}`);
  const [reports, setReports] = useState<Record<string, PageReport>>({});
  const [errors, setErrors] = useState<Record<string, AppError | null>>({});

  const onLoaded = useCallback(
    (key: string, report: PageReport) =>
      setReports((previous) => (samePage(previous[key], report) ? previous : { ...previous, [key]: report })),
    [],
  );
  const onError = useCallback(
    (key: string, error: AppError | null) =>
      setErrors((previous) => (previous[key] === error ? previous : { ...previous, [key]: error })),
    [],
  );

  const first = reports[pageKeys[0] ?? ''];
  const last = reports[pageKeys[pageKeys.length - 1] ?? ''];
  const error = pageKeys.map((key) => errors[key]).find(Boolean) ?? null;
  return {
    pages: cursors.map((after, index): PageSlot => ({ key: pageKeys[index] ?? '', after, onLoaded, onError })),
    /** The first page's report: undefined until it loads. */
    first,
    error,
    shown: pageKeys.reduce((sum, key) => sum + (reports[key]?.count ?? 0), 0),
    canLoadMore: Boolean(last?.hasNextPage && last.endCursor),
    loadingMore: !last && cursors.length > 1,
    loadMore: () => {
      if (last?.endCursor) setPaging({ filterKey, cursors: [...cursors, last.endCursor] });
    },
  };
}

/** Used by a page component: reports its connection (or its error) to the list. */
export function useReportPage(page: PageSlot, connection: Connection | undefined, error: unknown): void {
  const { key: pageKey, onLoaded, onError } = page;
  useEffect(() => {
    if (!connection) return;
    onLoaded(pageKey, {
      endCursor: connection.pageInfo.endCursor,
      hasNextPage: connection.pageInfo.hasNextPage,
      totalCount: connection.totalCount,
      count: connection.edges.length,
    });
  }, [connection, pageKey, onLoaded]);
  useEffect(
    () => onError(pageKey, error && !connection ? toAppError(error) : null),
    [error, connection, pageKey, onError],
  );
}
