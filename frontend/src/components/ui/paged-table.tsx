import { Fragment, type ReactNode } from 'react';

import { LoadErrorAlert } from '@/components/errors/load-error-alert';
import { cn } from '@/lib/cn';
import { formatCount } from '@/lib/format';
import type { ConnectionPages, PageSlot } from '@/lib/use-connection-pages';

import { Button } from './button';
import { Spinner } from './spinner';

/** What the rows are, for "Showing 3 of 40 datasets" and the spinners' labels. */
export type RowNoun = { one: string; many: string };

/**
 * A table over a Relay connection with "Load more" (`useConnectionPages`). Each page is its own
 * component rendering one <tbody> (`renderPage`); below the table come the spinner, the `empty`
 * content when the list has no rows, or "Showing n of N" with the "Load more" button.
 */
export function PagedTable({
  paging,
  caption,
  head,
  renderPage,
  noun,
  errorTitle,
  forbiddenTitle,
  empty,
  className,
}: {
  paging: ConnectionPages;
  /** For screen readers: what the table lists. */
  caption: string;
  /** The header row's cells (<th scope="col">). */
  head: ReactNode;
  renderPage: (page: PageSlot) => ReactNode;
  noun: RowNoun;
  errorTitle: string;
  forbiddenTitle: string;
  /** Shown instead of the table when the (filtered) list is empty. */
  empty: ReactNode;
  className?: string;
}) {
  const { first, error } = paging;
  const loading = !first && !error;
  return (
    <>
      {error ? <LoadErrorAlert error={error} forbiddenTitle={forbiddenTitle} title={errorTitle} /> : null}

      <div className="table-scroll" hidden={!first || first.totalCount === 0}>
        <table className={cn('table', className)} aria-busy={loading || undefined}>
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>{head}</tr>
          </thead>
          {paging.pages.map((page) => (
            <Fragment key={page.key}>{renderPage(page)}</Fragment>
          ))}
        </table>
      </div>

      {loading ? (
        <div className="paged-table__loading">
          <Spinner size={18} label={`Loading ${noun.many}`} />
        </div>
      ) : first && first.totalCount === 0 ? (
        empty
      ) : first ? (
        <div className="paged-table__footer">
          <span className="muted" role="status">
            Showing {formatCount(paging.shown)} of {formatCount(first.totalCount)} {first.totalCount === 1 ? noun.one : noun.many}
          </span>
          {paging.canLoadMore ? (
            <Button variant="secondary" size="sm" onClick={paging.loadMore}>
              Load more
            </Button>
          ) : paging.loadingMore ? (
            <Spinner size={16} label={`Loading more ${noun.many}`} />
          ) : null}
        </div>
      ) : null}
    </>
  );
}

/** The `empty` content of a filtered list that matched nothing: a title and a hint or action. */
export function NoRows({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="paged-table__empty">
      <p className="paged-table__empty-title">{title}</p>
      <p className="muted">{children}</p>
    </div>
  );
}
