import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { missingScale } from '../../lib/dataset-format';
import { MissingValuesChart } from './missing-values-chart';

describe('MissingValuesChart', () => {
  it('scales to the largest share, so a few percent is not a sliver, and labels each bar', () => {
    render(
      <MissingValuesChart
        columns={[
          { name: 'income', missingCount: 40, missingPercent: 4 },
          { name: 'phone', missingCount: 10, missingPercent: 1 },
          { name: 'age', missingCount: 0, missingPercent: 0 },
        ]}
      />,
    );
    const chart = screen.getByRole('img', { name: /^Missing values by column/ });
    const [income, phone] = [...chart.querySelectorAll('rect')].map((bar) => Number(bar.getAttribute('width')));
    // 4 % on a 0–5 % axis fills most of the 430 px bar space (on 0–100 % it was 17 px)
    expect(income).toBeCloseTo((4 / 5) * 430);
    expect(phone).toBeCloseTo((1 / 5) * 430);
    const ticks = [...chart.querySelectorAll('.chart__tick')].map((tick) => tick.textContent);
    expect(ticks).toEqual(['0%', '1.25%', '2.5%', '3.75%', '5%']);
    // the actual share is written beside each bar
    expect(chart).toHaveTextContent('4%');
  });

  it('says so when nothing is missing', () => {
    render(<MissingValuesChart columns={[{ name: 'age', missingCount: 0, missingPercent: 0 }]} />);
    expect(screen.getByText(/^No missing values/)).toBeInTheDocument();
    expect(screen.queryByRole('img')).toBeNull();
  });

  it('ends the axis at the next step at or above the largest share', () => {
    expect([0.3, 1, 1.5, 4, 12, 22, 49, 51, 100].map(missingScale)).toEqual([1, 1, 2, 5, 20, 25, 50, 100, 100]);
  });
});
