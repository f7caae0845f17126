import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';

import { Button } from '@/components/ui/button';
import { Card, CardBody } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { DataIcon, SearchIcon, UploadIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { NoRows, PagedTable } from '@/components/ui/paged-table';
import { RelativeTime } from '@/components/ui/relative-time';
import { paths } from '@/config/paths';
import type { DatasetSummaryFieldsFragment } from '@/gql/graphql';
import { formatBytes, formatCount } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';
import { useConnectionPages, useReportPage, type PageSlot } from '@/lib/use-connection-pages';
import { useDebounced } from '@/lib/use-debounced';

import { DATASET_CONTEXT, DatasetsQuery } from '../api/datasets';
import { formatSourceFormat } from '../lib/dataset-format';
import { DatasetStatusBadge } from './dataset-status-badge';
import { UploadDatasetDialog } from './upload-dataset-dialog';

import './data.css';

export const DATASETS_PAGE_SIZE = 25;
/** How often a page holding PROFILING datasets asks again, until they are READY or FAILED. */
export const PROFILING_POLL_MS = 3000;
const SEARCH_DELAY_MS = 300;

function DatasetRow({ dataset }: { dataset: DatasetSummaryFieldsFragment }) {
  const shape =
    dataset.rowCount !== null && dataset.rowCount !== undefined
      ? `${formatCount(dataset.rowCount)} × ${formatCount(dataset.columnCount)}`
      : null;
  return (
    <tr>
      <th scope="row" className="datasets-table__name">
        <Link to={paths.app.dataset.getHref(dataset.id)} className="datasets-table__link">
          {dataset.name}
        </Link>
        <span className="datasets-table__file" title={dataset.originalFilename}>
          {dataset.originalFilename}
        </span>
      </th>
      <td>
        <DatasetStatusBadge status={dataset.status} error={dataset.error} />
        {dataset.status === 'FAILED' && dataset.error ? (
          <span className="datasets-table__error" title={dataset.error}>
            {dataset.error}
          </span>
        ) : null}
      </td>
      <td>
        <span className="format-tag">{formatSourceFormat(dataset.sourceFormat)}</span>
      </td>
      <td className="table__number">
        {shape ?? <span className="muted">{dataset.status === 'PROFILING' ? 'Counting…' : '—'}</span>}
      </td>
      <td className="table__number">{formatBytes(dataset.sizeBytes)}</td>
      <td>
        <span className="datasets-table__stacked">
          <RelativeTime value={dataset.createdAt} />
          <span className="muted">{dataset.createdBy ? `by ${dataset.createdBy}` : 'uploader unknown'}</span>
        </span>
      </td>
    </tr>
  );
}

/** One page of the connection as its own <tbody>; while any of its rows is PROFILING it asks again every few seconds. */
function DatasetsPage({ page, search }: { page: PageSlot; search: string | null }) {
  const [{ data, error }, reexecute] = useQuery({
    query: DatasetsQuery,
    variables: { first: DATASETS_PAGE_SIZE, after: page.after, search },
    context: DATASET_CONTEXT,
  });
  const connection = data?.datasets;
  useReportPage(page, connection, error);

  const profiling = connection?.edges.some(({ node }) => node.status === 'PROFILING') ?? false;
  useEffect(() => {
    if (!profiling) return;
    const timer = window.setInterval(() => reexecute({ requestPolicy: 'network-only' }), PROFILING_POLL_MS);
    return () => window.clearInterval(timer);
  }, [profiling, reexecute]);

  if (!connection) return null;
  return (
    <tbody>
      {connection.edges.map(({ node }) => (
        <DatasetRow key={node.id} dataset={node} />
      ))}
    </tbody>
  );
}

/** The organization's datasets: search, load more, upload. */
export function DatasetsList() {
  const permissions = usePermissions();
  const canWrite = permissions.has('datasets:write');
  const [searchText, setSearchText] = useState('');
  const search = useDebounced(searchText.trim(), SEARCH_DELAY_MS) || null;
  const paging = useConnectionPages(search ?? '');
  const { first } = paging;
  const [uploading, setUploading] = useState(false);
  // Nothing uploaded at all (not just nothing matching the search): invite an upload.
  const noDatasets = first?.totalCount === 0 && !search;

  const uploadButton = canWrite ? (
    <Button icon={<UploadIcon size={16} />} onClick={() => setUploading(true)}>
      Upload dataset
    </Button>
  ) : null;

  return (
    <>
      <PageHeader
        eyebrow="Machine learning"
        title="Data"
        description="The datasets your experiments train and validate on, profiled column by column."
        actions={uploadButton}
      />
      <Card aria-labelledby="datasets-title">
        <h2 className="sr-only" id="datasets-title">
          Datasets
        </h2>
        <CardBody className="data-panel">
          <div className="data-toolbar" role="search" aria-label="Filter datasets" hidden={noDatasets}>
            <div className="data-search">
              <SearchIcon size={16} className="data-search__icon" />
              <input
                type="search"
                className="input data-search__input"
                placeholder="Search by name"
                aria-label="Search datasets"
                value={searchText}
                onChange={(event) => setSearchText(event.target.value)}
                maxLength={200}
              />
            </div>
          </div>

          <PagedTable
            paging={paging}
            className="datasets-table"
            caption="Datasets of your organization, newest first"
            head={
              <>
                <th scope="col">Dataset</th>
                <th scope="col">Status</th>
                <th scope="col">Format</th>
                <th scope="col" className="table__number">
                  Rows × columns
                </th>
                <th scope="col" className="table__number">
                  Size
                </th>
                <th scope="col">Uploaded</th>
              </>
            }
            renderPage={(page) => <DatasetsPage page={page} search={search} />}
            noun={{ one: 'dataset', many: 'datasets' }}
            errorTitle="Datasets could not be loaded"
            forbiddenTitle="You cannot view datasets"
            empty={
              noDatasets ? (
                <EmptyState
                  icon={<DataIcon size={26} />}
                  title="No datasets yet"
                  description={
                    canWrite
                      ? 'Upload a CSV, TSV or Parquet file. Phantom ML Studio profiles every column and suggests what you could predict.'
                      : 'Datasets appear here once someone with permission to upload adds one.'
                  }
                >
                  {uploadButton}
                </EmptyState>
              ) : (
                <NoRows title={`No datasets match “${search ?? ''}”`}>Try another name.</NoRows>
              )
            }
          />
        </CardBody>
      </Card>
      {uploading ? <UploadDatasetDialog onClose={() => setUploading(false)} /> : null}
    </>
  );
}
