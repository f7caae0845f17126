import { Badge } from '@/components/ui/badge';
import type { ColumnProfileFieldsFragment } from '@/gql/graphql';
import { formatCount, formatPercent, formatStat } from '@/lib/format';
import { COLUMN_TYPE_LABEL, COLUMN_TYPE_TONE } from '@/lib/ml-labels';

import { formatDateBound } from '../lib/dataset-format';

function MissingCell({ column }: { column: ColumnProfileFieldsFragment }) {
  const percent = Math.min(100, Math.max(0, column.missingPercent));
  const tone = percent >= 30 ? 'high' : percent >= 5 ? 'medium' : 'low';
  return (
    <span className="missing-cell" title={`${formatCount(column.missingCount)} missing`}>
      <span className="missing-cell__value">{formatPercent(percent)}</span>
      <span className="missing-cell__track" aria-hidden="true">
        {percent > 0 ? (
          <span className={`missing-cell__bar missing-cell__bar--${tone}`} style={{ width: `${Math.max(3, percent)}%` }} />
        ) : null}
      </span>
    </span>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <span className="column-stat">
      <span className="column-stat__label">{label}</span> {value}
    </span>
  );
}

function Summary({ column }: { column: ColumnProfileFieldsFragment }) {
  if (column.type === 'NUMERIC') {
    return (
      <span className="column-summary">
        <Stat label="min" value={formatStat(column.min)} />
        <Stat label="max" value={formatStat(column.max)} />
        <Stat label="mean" value={formatStat(column.mean)} />
        <Stat label="std" value={formatStat(column.std)} />
      </span>
    );
  }
  if (column.type === 'DATETIME') {
    return (
      <span className="column-summary">
        <Stat label="from" value={formatDateBound(column.minText)} />
        <Stat label="to" value={formatDateBound(column.maxText)} />
      </span>
    );
  }
  if (column.topValues.length === 0) return <span className="muted">—</span>;
  return (
    <span className="column-summary column-summary--values" title={column.topValues.map((v) => `${v.value}: ${v.count}`).join('\n')}>
      {column.topValues.slice(0, 3).map((value, index) => (
        <span className="value-chip" key={`${index}-${value.value}`}>
          <span className="value-chip__text">{value.value === '' ? '(empty)' : value.value}</span>
          <span className="value-chip__count">{formatCount(value.count)}</span>
        </span>
      ))}
      {column.topValues.length > 3 ? <span className="muted">+{column.topValues.length - 3}</span> : null}
    </span>
  );
}

/** Every column: type, completeness, cardinality and a one-line summary. */
export function ColumnsTable({ columns }: { columns: readonly ColumnProfileFieldsFragment[] }) {
  return (
    <div className="table-scroll">
      <table className="table columns-table">
        <caption className="sr-only">Columns of the dataset with their profile</caption>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
            <th scope="col">Missing</th>
            <th scope="col" className="table__number">
              Distinct
            </th>
            <th scope="col">Summary</th>
          </tr>
        </thead>
        <tbody>
          {columns.map((column) => (
            <tr key={column.name}>
              <th scope="row" className="columns-table__name">
                <a href={`#column-${encodeURIComponent(column.name)}`} title="Show the distribution">
                  {column.name}
                </a>
              </th>
              <td>
                <Badge tone={COLUMN_TYPE_TONE[column.type]}>{COLUMN_TYPE_LABEL[column.type]}</Badge>
              </td>
              <td>
                <MissingCell column={column} />
              </td>
              <td className="table__number">{formatCount(column.distinctCount)}</td>
              <td>
                <Summary column={column} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
