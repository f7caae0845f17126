import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { testHealth } from '@/testing/monitoring-fixtures';

import { featureOrder, formatPsi, formatShare, metricValue, psiStatus } from '../../lib/monitoring-format';
import { DistributionChart } from './distribution-chart';
import { DriftHeatMap, PREDICTIONS_ROW } from './drift-heat-map';
import { WindowChart } from './window-chart';

describe('WindowChart', () => {
  it('draws bars per window and leaves gaps in a line where a value is missing', () => {
    render(
      <WindowChart
        title="Latency per window"
        labels={['10:00', '11:00', '12:00', '13:00']}
        format={(v) => `${v} ms`}
        series={[
          { name: 'Calls', kind: 'bar', tone: 'brand', values: [3, 0, 5, 1] },
          { name: 'p99', kind: 'line', tone: 'accent', values: [10, null, 30, 20] },
        ]}
        reference={{ label: 'Target', value: 25 }}
      />,
    );
    expect(screen.getAllByTestId('bar-Calls')).toHaveLength(4);
    const line = screen.getByTestId('line-p99');
    expect(line.querySelectorAll('path')).toHaveLength(2); // broken at the missing hour
    expect(line.querySelectorAll('circle')).toHaveLength(3);
    expect(screen.getByTestId('reference-line')).toHaveTextContent('Target 25 ms');
    expect(screen.getByRole('img', { name: 'Latency per window: Calls latest 1 ms, p99 latest 20 ms; Target 25 ms' })).toBeInTheDocument();
    expect(within(screen.getByRole('table', { name: 'Latency per window' })).getAllByRole('row')[2]).toHaveTextContent('11:000 ms—');
  });
});

describe('DistributionChart', () => {
  it('pairs training and production per bin and splits ranges over two lines', () => {
    render(
      <DistributionChart
        feature="amount"
        bins={[
          { label: '≤ 10', referenceShare: 0.5, currentShare: 0.2 },
          { label: '10 to 20', referenceShare: 0.5, currentShare: 0.7 },
          { label: 'missing', referenceShare: 0, currentShare: 0.1 },
        ]}
      />,
    );
    const bins = screen.getAllByTestId('distribution-bin');
    expect(bins).toHaveLength(3); // a missing-values bin with production rows stays
    expect(bins[1]!.querySelector('title')).toHaveTextContent('10 to 20: training 50%, production 70%');
    expect([...bins[1]!.querySelectorAll('tspan')].map((t) => t.textContent)).toEqual(['10 –', '20']);
    expect(screen.getByRole('img', { name: /^Distribution of amount, training vs production: ≤ 10 50% vs 20%/ })).toBeInTheDocument();
  });

  it('says so when nothing was recorded', () => {
    render(<DistributionChart feature="amount" bins={[]} />);
    expect(screen.getByText('No distribution was recorded for amount.')).toBeInTheDocument();
  });
});

describe('DriftHeatMap', () => {
  it('calls back with the feature and window of a cell, or the feature alone', async () => {
    const onSelect = vi.fn();
    render(<DriftHeatMap health={testHealth()} window="HOUR" selected={null} onSelect={onSelect} />);
    const user = userEvent.setup();
    await user.click(screen.getAllByTestId('heat-map-cell')[2]!);
    expect(onSelect).toHaveBeenLastCalledWith({ feature: 'tenure_months', windowStart: '2026-12-06T12:00:00Z' });
    await user.click(screen.getByRole('button', { name: 'Predictions' }));
    expect(onSelect).toHaveBeenLastCalledWith({ feature: PREDICTIONS_ROW, windowStart: null });
  });

  it('leaves out windows without predictions', () => {
    const health = testHealth();
    render(
      <DriftHeatMap
        health={{ ...health, windows: [...health.windows, { ...health.windows[0]!, start: '2026-12-06T13:00:00Z', predictions: 0 }] }}
        window="HOUR"
        selected={null}
        onSelect={() => undefined}
      />,
    );
    expect(screen.getAllByRole('columnheader')).toHaveLength(4); // "Feature" and three hours
  });
});

describe('monitoring-format', () => {
  const thresholds = { psiWarn: 0.1, psiAlert: 0.25, minRows: 200 };

  it('judges prediction PSI like the server', () => {
    expect(psiStatus(0.3, 500, thresholds, true)).toBe('ALERT');
    expect(psiStatus(0.1, 500, thresholds, true)).toBe('WARN');
    expect(psiStatus(0.05, 500, thresholds, true)).toBe('OK');
    expect(psiStatus(0.9, 20, thresholds, true)).toBe('INSUFFICIENT_DATA');
    expect(psiStatus(null, 500, thresholds, true)).toBe('NO_REFERENCE');
    expect(psiStatus(0.9, 500, thresholds, false)).toBe('NO_REFERENCE');
  });

  it('orders features by importance, unknown last, then by name', () => {
    const health = testHealth();
    const windows = [{ ...health.windows[0]!, drift: [...health.windows[0]!.drift, { feature: 'zip', psi: 0, status: 'OK' as const }, { feature: 'age', psi: 0, status: 'OK' as const }] }];
    expect(featureOrder({ ...health, windows })).toEqual(['tenure_months', 'payment_method', 'age', 'zip']);
  });

  it('formats PSI, shares and metric lookups', () => {
    expect(formatPsi(0.0123)).toBe('0.012');
    expect(formatPsi(5.4321)).toBe('5.43');
    expect(formatPsi(Number.POSITIVE_INFINITY)).toBe('—');
    expect(formatShare(0.256)).toBe('26%');
    expect(formatShare(0.004)).toBe('0.4%');
    expect(metricValue([{ name: 'f1', value: 0.5 }], 'roc_auc')).toBeNull();
  });
});
