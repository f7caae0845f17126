import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { testFairness, testInsights, testReport } from '@/testing/governance-fixtures';
import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { testVersionDetail } from '@/testing/models-fixtures';
import { renderApp } from '@/testing/test-utils';

import { belowLine, fourFifthsLine } from '../../lib/fairness-format';

function serve(handlers: Parameters<typeof mockFetch>[0]['graphql'] = {}, viewer = testViewer) {
  setSessionCookie();
  return mockFetch({
    graphql: {
      AppViewer: () => gqlData({ viewer }),
      ModelVersion: () => gqlData({ modelVersion: testVersionDetail() }),
      ...handlers,
    },
  });
}

describe('Model version › Fairness tab', () => {
  it('puts the flagged attribute first, draws the four-fifths line, and marks groups too small to judge', async () => {
    serve({ ModelVersionFairness: () => gqlData({ modelVersion: { id: 'mv_1', taskType: 'BINARY', fairness: testFairness } }) });
    renderApp('/models/versions/mv_1?tab=fairness');

    const cards = await screen.findAllByTestId('fairness-attribute');
    expect(cards.map((card) => within(card).getByRole('heading', { level: 2 }).textContent)).toEqual(['group', 'site']);
    expect(screen.getByTestId('fairness-intro')).toHaveTextContent('1 of 2 protected attributes flagged by the four-fifths rule.');
    const [group, site] = cards;
    expect(group).toHaveTextContent('Flagged');
    expect(group).toHaveTextContent('Below four fifths of the highest selection rate: B.');
    expect(within(group!).getByTestId('four-fifths-line')).toHaveTextContent('four fifths of the highest selection rate: 64%');
    expect(within(group!).getAllByTestId('fairness-bar-selectionRate')).toHaveLength(2);
    expect(within(group!).getByRole('row', { name: /Demographic parity ratio/ })).toHaveTextContent('Below the threshold');
    expect(site).toHaveTextContent('Evaluated only: not a feature');
    expect(site).toHaveTextContent('Not flagged');
    const small = within(site!).getAllByTestId('fairness-group').filter((g) => g.getAttribute('data-too-small') === 'true');
    expect(small).toHaveLength(1);
    expect(within(site!).getByRole('table', { name: 'Fairness of site per group' })).toHaveTextContent('islands (too small to judge)');
  });

  it('says how to get a report when no attribute was named', async () => {
    serve({ ModelVersionFairness: () => gqlData({ modelVersion: { id: 'mv_1', taskType: 'BINARY', fairness: [] } }) });
    renderApp('/models/versions/mv_1?tab=fairness');
    expect(await screen.findByRole('heading', { name: 'No fairness report' })).toBeInTheDocument();
  });

  it('computes the line from the judged groups only', () => {
    const site = testFairness[0]!;
    expect(fourFifthsLine(site)).toBeCloseTo(0.44);
    expect(belowLine(site)).toEqual([]); // islands (0.40) is too small to judge
  });
});

describe('Model version › Insights tab', () => {
  it('shows the SHAP summary beside permutation importance, intervals, the confusion matrix and partial dependence', async () => {
    serve({ ModelVersionInsights: () => gqlData({ modelVersion: testInsights }) });
    renderApp('/models/versions/mv_1?tab=insights');

    expect(await screen.findByRole('img', { name: /^SHAP summary, largest first: tenure_months 0.9/ })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /^Feature importance, largest first: tenure_months 0.081/ })).toBeInTheDocument();
    expect(screen.getByText(/Mean \|SHAP\| over 400 holdout rows \(exact tree SHAP\), in log-odds of churn = Yes/)).toBeInTheDocument();
    const intervals = screen.getByTestId('metric-intervals');
    expect(within(intervals).getByRole('row', { name: /roc_auc/ })).toHaveTextContent('0.905');
    expect(within(intervals).getByRole('row', { name: /roc_auc/ })).toHaveTextContent('0.88 – 0.93');
    const confusion = screen.getByTestId('confusion-matrix');
    expect(within(confusion).getByRole('row', { name: /^Yes/ })).toHaveTextContent('40');
    expect(screen.getByText(/Yes when its score is at least 0.5/)).toBeInTheDocument();
    expect(screen.getAllByTestId('partial-dependence')).toHaveLength(2);
    expect(screen.getByRole('img', { name: /^Partial dependence of probability of churn = Yes on tenure_months: from 0.7/ })).toBeInTheDocument();
  });
});

describe('Model version › Documentation tab', () => {
  it('edits the documentation, generates a report and lists it with its SHA-256 and downloads', async () => {
    let reports = [testReport({ id: 'rep_0', pdfSha256: 'c'.repeat(64) })];
    const { requests } = serve({
      ModelVersionDocumentation: () =>
        gqlData({ modelVersion: { id: 'mv_1', intendedUse: null, owner: 'Risk team', limitations: null, reports } }),
      SetModelDocumentation: ({ variables }) => {
        const input = (variables as { input: Record<string, string> }).input;
        return gqlData({ setModelDocumentation: { id: 'mv_1', intendedUse: input.intendedUse, owner: input.owner, limitations: input.limitations } });
      },
      GenerateModelReport: () => {
        const report = testReport();
        reports = [report, ...reports];
        return gqlData({ generateModelReport: report });
      },
    });
    renderApp('/models/versions/mv_1?tab=documentation');
    const user = userEvent.setup();

    const form = await screen.findByRole('form', { name: 'Model documentation' });
    expect(within(form).getByLabelText('Owner')).toHaveValue('Risk team');
    await user.type(within(form).getByLabelText('Intended use'), 'Retention offers');
    await user.click(within(form).getByRole('button', { name: 'Save documentation' }));
    expect(await within(form).findByRole('status')).toHaveTextContent('Documentation saved');
    expect(requests.find((r) => r.operationName === 'SetModelDocumentation')?.variables).toEqual({
      input: { modelVersionId: 'mv_1', intendedUse: 'Retention offers', owner: 'Risk team', limitations: '' },
    });

    await user.click(screen.getByRole('button', { name: 'Generate report' }));
    const list = screen.getByRole('list', { name: 'Generated reports' });
    await waitFor(() => expect(within(list).getAllByTestId('report-item')).toHaveLength(2));
    const [latest] = within(list).getAllByTestId('report-item');
    expect(latest).toHaveTextContent('Latest report');
    expect(within(latest!).getByTestId('pdf-sha256')).toHaveTextContent('b'.repeat(64));
    expect(within(latest!).getByTestId('download-pdf')).toHaveAttribute('href', '/api/v1/model-versions/mv_1/report.pdf?id=rep_1');
    expect(within(latest!).getByTestId('download-html')).toHaveAttribute('href', '/api/v1/model-versions/mv_1/report.html?id=rep_1');
  });

  it('is read-only without models:promote, and offers no report generation', async () => {
    serve(
      {
        ModelVersionDocumentation: () =>
          gqlData({ modelVersion: { id: 'mv_1', intendedUse: 'Offers', owner: null, limitations: null, reports: [] } }),
      },
      viewerWith(['models:read']),
    );
    renderApp('/models/versions/mv_1?tab=documentation');
    const form = await screen.findByRole('form', { name: 'Model documentation' });
    expect(within(form).getByLabelText('Intended use')).toBeDisabled();
    expect(within(form).queryByRole('button', { name: 'Save documentation' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Generate report' })).not.toBeInTheDocument();
    expect(screen.getByText(/Someone who may promote models can generate one/)).toBeInTheDocument();
  });
});
