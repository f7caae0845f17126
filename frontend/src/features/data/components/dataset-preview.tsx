import { useQuery } from 'urql';

import { LoadErrorAlert } from '@/components/errors/load-error-alert';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { GridIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import { toAppError } from '@/lib/errors';
import { formatCount } from '@/lib/format';

import { DatasetPreviewQuery } from '../api/datasets';

const PREVIEW_ROWS = 20;

/** The first rows as they are in the file: what a person looks at before choosing a target. */
export function DatasetPreview({ id }: { id: string }) {
  const [{ data, error }] = useQuery({ query: DatasetPreviewQuery, variables: { id, first: PREVIEW_ROWS } });
  const preview = data?.datasetPreview;
  const total = preview?.rowCount;
  return (
    <Card aria-labelledby="preview-title">
      <CardHeader
        id="preview-title"
        icon={<GridIcon size={18} />}
        title="First rows"
        description={
          preview
            ? `The first ${formatCount(preview.rows.length)}${total ? ` of ${formatCount(total)}` : ''} rows, as in the file.`
            : 'The first rows, as in the file.'
        }
      />
      <CardBody className="data-panel">
        {error ? (
          <LoadErrorAlert error={toAppError(error)} title="The rows could not be loaded" forbiddenTitle="You cannot view this dataset's rows" />
        ) : !preview ? (
          <Spinner size={18} label="Loading the first rows" />
        ) : preview.rows.length === 0 ? (
          <p className="muted">The file has no rows.</p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="First rows (scrolls sideways)">
            <table className="table dataset-preview">
              <caption className="sr-only">First rows of the dataset</caption>
              <thead>
                <tr>
                  <th scope="col" className="table__number">
                    #
                  </th>
                  {preview.columns.map((column) => (
                    <th scope="col" key={column}>
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row, index) => (
                  // Rows have no identity of their own: their position is it.
                  <tr key={index}>
                    <td className="table__number muted">{index + 1}</td>
                    {row.map((cell, column) => (
                      <td key={column} title={cell ?? 'missing'}>
                        {cell === null || cell === undefined ? <span className="muted">—</span> : cell}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </CardBody>
    </Card>
  );
}
