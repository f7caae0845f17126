import type { DriftStatus, HealthWindow } from '@/gql/graphql';
import { cn } from '@/lib/cn';

import {
  DRIFT_STATUS_LABEL,
  featureOrder,
  formatPsi,
  psiStatus,
  windowLabel,
  windowTitle,
  type Health,
} from '../../lib/monitoring-format';

/** The prediction row's name in the heat map (a feature cannot be called this: it has spaces and parentheses). */
export const PREDICTIONS_ROW = '(predictions)';

export type HeatMapSelection = { feature: string; windowStart: string | null };

type Cell = { psi: number | null; status: DriftStatus };

const LEGEND: readonly DriftStatus[] = ['OK', 'WARN', 'ALERT', 'INSUFFICIENT_DATA', 'NO_REFERENCE'];

/**
 * Drift per feature (rows, most important first) and window (columns), coloured by PSI
 * status, with the predictions' own drift as the last row. Every cell and row name is a
 * button: it selects the feature (and window) for the drill-down.
 */
export function DriftHeatMap({
  health,
  window,
  selected,
  onSelect,
}: {
  health: Health;
  window: HealthWindow;
  selected: HeatMapSelection | null;
  onSelect: (selection: HeatMapSelection) => void;
}) {
  const features = featureOrder(health);
  const windows = health.windows.filter((w) => w.predictions > 0);
  if (features.length === 0 || windows.length === 0) {
    return <p className="chart-empty muted">No predictions in this period yet: the heat map fills in as the model is called.</p>;
  }
  const importance = new Map(health.drift.map((f) => [f.feature, f.importance]));
  const cells = new Map<string, Cell>();
  for (const w of windows) {
    for (const cell of w.drift) cells.set(`${cell.feature}|${w.start}`, { psi: cell.psi ?? null, status: cell.status });
    cells.set(`${PREDICTIONS_ROW}|${w.start}`, {
      psi: w.predictionPsi ?? null,
      status: psiStatus(w.predictionPsi, w.predictions, health.thresholds, health.hasReference),
    });
  }
  const rows = [...features, PREDICTIONS_ROW];
  return (
    <div className="heat-map">
      <div className="table-scroll">
        <table className="heat-map__table" aria-label="Drift per feature and window">
          <caption className="sr-only">
            Population stability index (PSI) per feature and {window === 'HOUR' ? 'hour' : 'day'}, features most important first.
            Select a cell to compare the distributions.
          </caption>
          <thead>
            <tr>
              <th scope="col" className="heat-map__corner">
                Feature
              </th>
              {windows.map((w) => (
                <th key={w.start} scope="col" className="heat-map__window" title={windowTitle(w.start, window)}>
                  {windowLabel(w.start, window)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((feature) => {
              const name = feature === PREDICTIONS_ROW ? 'Predictions' : feature;
              const weight = importance.get(feature);
              return (
                <tr key={feature} className={cn(feature === PREDICTIONS_ROW && 'heat-map__predictions')}>
                  <th scope="row" className="heat-map__feature">
                    <button
                      type="button"
                      className={cn('heat-map__feature-button', selected?.feature === feature && 'heat-map__feature-button--selected')}
                      onClick={() => onSelect({ feature, windowStart: null })}
                      title={weight != null ? `Importance ${weight.toFixed(3)}` : undefined}
                    >
                      {name}
                    </button>
                  </th>
                  {windows.map((w) => {
                    const cell = cells.get(`${feature}|${w.start}`) ?? { psi: null, status: 'NO_REFERENCE' as DriftStatus };
                    const isSelected = selected?.feature === feature && selected.windowStart === w.start;
                    return (
                      <td key={w.start} className="heat-map__cell-wrap">
                        <button
                          type="button"
                          data-testid="heat-map-cell"
                          data-status={cell.status}
                          className={cn('heat-map__cell', `heat-map__cell--${cell.status.toLowerCase()}`, isSelected && 'heat-map__cell--selected')}
                          aria-pressed={isSelected}
                          aria-label={`${name}, ${windowTitle(w.start, window)}: ${DRIFT_STATUS_LABEL[cell.status]}${
                            cell.psi != null ? `, PSI ${formatPsi(cell.psi)}` : ''
                          }`}
                          onClick={() => onSelect({ feature, windowStart: w.start })}
                        >
                          <span aria-hidden="true">{cell.psi != null ? formatPsi(cell.psi) : ''}</span>
                        </button>
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ul className="heat-map__legend" aria-label="Heat map legend">
        {LEGEND.map((status) => (
          <li key={status} className="heat-map__legend-item">
            <span className={cn('heat-map__swatch', `heat-map__cell--${status.toLowerCase()}`)} aria-hidden="true" />
            {DRIFT_STATUS_LABEL[status]}
            {status === 'WARN'
              ? ` (PSI ≥ ${health.thresholds.psiWarn})`
              : status === 'ALERT'
                ? ` (PSI ≥ ${health.thresholds.psiAlert})`
                : status === 'INSUFFICIENT_DATA'
                  ? ` (< ${health.thresholds.minRows} rows)`
                  : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
