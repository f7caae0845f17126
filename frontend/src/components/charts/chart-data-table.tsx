import type { ReactNode } from 'react';

import './charts.css';

/** The numbers behind a chart, for screen readers (the SVG itself is one labelled image). */
export function ChartDataTable({
  caption,
  headers,
  rows,
}: {
  caption: string;
  headers: [string, string, ...string[]];
  rows: ReactNode[][];
}) {
  return (
    <table className="sr-only">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {headers.map((header) => (
            <th key={header} scope="col">
              {header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((cells, index) => (
          <tr key={index}>
            {cells.map((cell, cellIndex) =>
              cellIndex === 0 ? (
                <th key={cellIndex} scope="row">
                  {cell}
                </th>
              ) : (
                <td key={cellIndex}>{cell}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
