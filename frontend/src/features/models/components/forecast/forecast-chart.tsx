import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleLinear, scaleUtc } from '@visx/scale';
import { Area, LinePath } from '@visx/shape';
import { useId, useState } from 'react';

import { ChartDataTable } from '@/components/charts/chart-data-table';
import { Button } from '@/components/ui/button';

import { formatValue, parseUtc, timeFormatter, type ForecastStep, type HistoryPoint } from '../../lib/forecast-format';

const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { top: 14, right: 18, bottom: 30, left: 64 };

type Step = { t: number; mean: number; lower: number; upper: number };

/**
 * One series: its history tail as a line, the forecast mean continuing it from the last
 * observed point, and the prediction interval as a shaded band (visx, like the value
 * curve). The SVG is one labelled image; the numbers are in a table, hidden for screen
 * readers by default and shown on demand.
 */
export function ForecastChart({
  title,
  history,
  forecast,
  intervalLevel,
}: {
  title: string;
  history: readonly HistoryPoint[];
  forecast: readonly ForecastStep[];
  intervalLevel: number;
}) {
  const [showTable, setShowTable] = useState(false);
  const tableId = useId();
  const past = history.map((p) => ({ t: parseUtc(p.time), value: p.value })).sort((a, b) => a.t - b.t);
  const steps: Step[] = forecast
    .map((s) => ({ t: parseUtc(s.time), mean: s.mean, lower: s.lower, upper: s.upper }))
    .sort((a, b) => a.t - b.t);
  const times = [...past.map((p) => p.t), ...steps.map((s) => s.t)];
  const formatTime = timeFormatter(times);
  const values = [...past.map((p) => p.value), ...steps.flatMap((s) => [s.lower, s.upper])];
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const low = values.length ? Math.min(...values) : 0;
  const high = values.length ? Math.max(...values) : 1;
  const pad = (high - low) * 0.06 || Math.abs(high) * 0.1 || 1;
  const x = scaleUtc<number>({
    domain: [new Date(times.length ? Math.min(...times) : 0), new Date(times.length ? Math.max(...times) : 1)],
    range: [0, innerWidth],
  });
  const y = scaleLinear<number>({ domain: [low - pad, high + pad], range: [innerHeight, 0], nice: true });
  const last = past.at(-1);
  // the mean and the band start at the last observed point, so the forecast visibly continues the history
  const joined: Step[] = last && steps.length ? [{ t: last.t, mean: last.value, lower: last.value, upper: last.value }, ...steps] : steps;
  const level = `${intervalLevel} % interval`;
  const summary =
    `${title}: history of ${past.length} points` +
    (last ? ` up to ${formatTime(last.t)} (last ${formatValue(last.value)})` : '') +
    (steps.length
      ? `; forecast of ${steps.length} steps from ${formatTime(steps[0]!.t)} to ${formatTime(steps.at(-1)!.t)}, mean ${formatValue(
          Math.min(...steps.map((s) => s.mean)),
        )} to ${formatValue(Math.max(...steps.map((s) => s.mean)))}, ${level} from ${formatValue(
          Math.min(...steps.map((s) => s.lower)),
        )} to ${formatValue(Math.max(...steps.map((s) => s.upper)))}`
      : '; no forecast shown yet');
  const rows = [
    ...past.map((p) => [formatTime(p.t), formatValue(p.value), '—', '—', '—']),
    ...steps.map((s) => [formatTime(s.t), '—', formatValue(s.mean), formatValue(s.lower), formatValue(s.upper)]),
  ];
  const headers: [string, string, ...string[]] = ['Time', 'History', 'Forecast mean', `Lower (${intervalLevel} %)`, `Upper (${intervalLevel} %)`];

  return (
    <figure className="chart forecast-chart">
      <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} data-testid="forecast-chart">
        <title>{summary}</title>
        <Group left={MARGIN.left} top={MARGIN.top}>
          {y.ticks(4).map((tick) => (
            <line key={tick} className="chart__grid" x1={0} x2={innerWidth} y1={y(tick)} y2={y(tick)} />
          ))}
          {joined.length ? (
            <Area<Step>
              data={joined}
              x={(s) => x(new Date(s.t))}
              y0={(s) => y(s.lower)}
              y1={(s) => y(s.upper)}
              className="forecast-chart__band"
              data-testid="forecast-band"
            />
          ) : null}
          {last && steps.length ? (
            <line
              className="forecast-chart__origin"
              x1={x(new Date(last.t))}
              x2={x(new Date(last.t))}
              y1={0}
              y2={innerHeight}
              aria-hidden="true"
            />
          ) : null}
          <LinePath<{ t: number; value: number }>
            data={past}
            x={(p) => x(new Date(p.t))}
            y={(p) => y(p.value)}
            className="forecast-chart__history"
            data-testid="forecast-history-line"
          />
          {joined.length ? (
            <LinePath<Step>
              data={joined}
              x={(s) => x(new Date(s.t))}
              y={(s) => y(s.mean)}
              className="forecast-chart__mean"
              data-testid="forecast-mean-line"
            />
          ) : null}
          <AxisLeft
            scale={y}
            numTicks={4}
            hideAxisLine
            hideTicks
            tickFormat={(value) => formatValue(Number(value))}
            tickLabelProps={{ className: 'chart__tick', fontSize: 10.5, textAnchor: 'end', dx: -4, dy: '0.32em' }}
          />
          <AxisBottom
            top={innerHeight}
            scale={x}
            numTicks={6}
            hideTicks
            axisClassName="forecast-chart__axis"
            tickFormat={(value) => formatTime(value instanceof Date ? value.getTime() : Number(value))}
            tickLabelProps={{ className: 'chart__tick', fontSize: 10.5, textAnchor: 'middle' }}
          />
        </Group>
      </svg>
      <figcaption className="chart__caption muted forecast-chart__caption">
        <span className="forecast-legend" data-testid="forecast-legend">
          <span className="forecast-legend__key">
            <span className="forecast-legend__swatch forecast-legend__swatch--history" aria-hidden="true" /> History
          </span>
          <span className="forecast-legend__key">
            <span className="forecast-legend__swatch forecast-legend__swatch--mean" aria-hidden="true" /> Forecast (mean)
          </span>
          <span className="forecast-legend__key">
            <span className="forecast-legend__swatch forecast-legend__swatch--band" aria-hidden="true" /> {level}
          </span>
        </span>
        <Button variant="ghost" size="sm" aria-expanded={showTable} aria-controls={tableId} onClick={() => setShowTable((shown) => !shown)}>
          {showTable ? 'Hide the numbers' : 'Show the numbers'}
        </Button>
      </figcaption>
      {showTable ? (
        <div className="table-scroll forecast-chart__table" id={tableId}>
          <table className="table models-table models-table--compact">
            <caption className="sr-only">{title}</caption>
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
              {rows.map(([time, ...cells]) => (
                <tr key={time}>
                  <th scope="row">{time}</th>
                  {cells.map((cell, index) => (
                    <td key={index}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <div id={tableId}>
          <ChartDataTable caption={title} headers={headers} rows={rows} />
        </div>
      )}
    </figure>
  );
}
