import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { ModelValueQuery, PromotionRequestFieldsFragment } from '@/gql/graphql';
import { defaultPolicy, noApprovalPolicy, testPromotionRequest, versionApprovals } from '@/testing/approvals-fixtures';
import { formatMoney } from '@/lib/format';
import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie, type RecordedRequest } from '@/testing/mock-fetch';
import { testVersionDetail } from '@/testing/models-fixtures';
import { renderApp } from '@/testing/test-utils';

import { parseValueForm, valueSummary, formStateOf } from '../../lib/value-format';

type Value = ModelValueQuery['modelValue'];

const promoter = { ...testViewer, permissions: [...testViewer.permissions, 'insights:read'] };
const reader = viewerWith(['models:read', 'insights:read']);

const valueModel: Value['valueModel'] = {
  id: 'vm_1',
  modelId: 'mod_1',
  taskType: 'BINARY',
  currency: 'EUR',
  monthlyVolume: 10000,
  truePositiveValue: 20,
  trueNegativeValue: 0,
  falsePositiveCost: 5,
  falseNegativeCost: 10,
  underPredictionCost: null,
  overPredictionCost: null,
  valueMatrix: null,
  matrixClasses: null,
  updatedAt: '2026-12-01T09:00:00Z',
};

/** The value at `threshold`: a straight answer the test can recompute. */
function valueAt(threshold: number | null, overrides: Partial<Value> = {}): Value {
  const t = threshold ?? 0.42;
  return {
    modelVersionId: 'mv_1',
    taskType: 'BINARY',
    valueModel,
    holdoutRows: 1000,
    threshold: t,
    servingThreshold: 0.42, // what predict applies: here the engine's
    valuePerPrediction: 3.1,
    interval: { low: 2.5, high: 3.7, level: 0.95, resamples: 2000 },
    confusion: { truePositives: 200, falsePositives: 80, falseNegatives: 60, trueNegatives: 660 },
    bestThreshold: 0.35,
    bestValuePerPrediction: 3.22,
    bestConfusion: { truePositives: 220, falsePositives: 110, falseNegatives: 40, trueNegatives: 630 },
    curve: Array.from({ length: 101 }, (_, index) => ({ threshold: index / 100, valuePerPrediction: 3.22 - Math.abs(index / 100 - 0.35) * 2 })),
    baselineStrategy: 'ALL_NEGATIVE',
    baselineValuePerPrediction: -2.6,
    monthlyValue: 31000,
    monthlyValueAtBest: 32200,
    monthlyBaselineValue: -26000,
    monthlyGainOverBaseline: 57000,
    realized: [
      { windowStart: '2026-12-04T00:00:00Z', predictions: 120, valuePerPrediction: 2.8 },
      { windowStart: '2026-12-05T00:00:00Z', predictions: 140, valuePerPrediction: 3.4 },
    ],
    ...overrides,
  };
}

const noValueModel = () => gqlData({ valueModel: null });

function serve({
  viewer = promoter,
  model = () => gqlData({ valueModel }),
  value = (request: RecordedRequest) => gqlData({ modelValue: valueAt((request.variables?.threshold as number | null) ?? null) }),
  version = testVersionDetail({ id: 'mv_1', taskType: 'BINARY' }),
  extra = {},
}: {
  viewer?: typeof promoter;
  model?: (request: RecordedRequest) => ReturnType<typeof gqlData>;
  value?: (request: RecordedRequest) => ReturnType<typeof gqlData>;
  version?: ReturnType<typeof testVersionDetail>;
  extra?: Parameters<typeof mockFetch>[0]['graphql'];
} = {}) {
  setSessionCookie();
  return mockFetch({
    graphql: {
      AppViewer: () => gqlData({ viewer }),
      ModelVersion: () => gqlData({ modelVersion: version }),
      ValueModel: model,
      ModelValue: value,
      VersionServingThreshold: () => gqlData({ modelVersion: { id: 'mv_1', servingThreshold: null } }),
      ...extra,
    },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Model version › Value tab', () => {
  it('says in one sentence what the model is worth, with the figures the API returns', async () => {
    serve();
    renderApp('/models/versions/mv_1?tab=value');
    const summary = await screen.findByTestId('value-summary');
    expect(summary).toHaveTextContent(
      `At threshold 0.42 each prediction is worth about ${formatMoney(3.1, 'EUR')}, ${formatMoney(31000, 'EUR')} a month for ${new Intl.NumberFormat().format(10000)} predictions; the best threshold 0.35 would add ${formatMoney(1200, 'EUR')} a month.`,
    );
    expect(screen.getByTestId('value-baseline')).toHaveTextContent(
      `${formatMoney(57000, 'EUR')} a month more than without the model (treating every case as negative).`,
    );
    expect(screen.getByTestId('value-interval')).toHaveTextContent(`${formatMoney(2.5, 'EUR')} to ${formatMoney(3.7, 'EUR')}`);
    expect(screen.getByTestId('value-monthly')).toHaveTextContent(formatMoney(31000, 'EUR'));

    // the curve marks both thresholds; its table has the 101 points
    expect(screen.getByTestId('curve-best')).toHaveTextContent('best 0.35');
    expect(screen.getByTestId('curve-chosen')).toHaveTextContent('chosen 0.42');
    const points = screen.getByRole('table', { name: 'Value per prediction at each threshold' });
    expect(within(points).getAllByRole('row')).toHaveLength(102);

    // what choosing the best changes
    const confusion = screen.getByTestId('value-confusion');
    const fp = within(confusion).getByRole('row', { name: /False positives/ });
    expect(fp).toHaveTextContent('80');
    expect(fp).toHaveTextContent('110');
    expect(fp).toHaveTextContent('+30');
    expect(within(confusion).getByRole('row', { name: /False negatives/ })).toHaveTextContent('−20');

    // expected vs realized per day: a bar per day and the expected line
    expect(screen.getAllByTestId('bar-Realized per prediction')).toHaveLength(2);
    expect(screen.getByTestId('reference-line')).toHaveTextContent(`Expected ${formatMoney(3.1, 'EUR')}`);
  });

  it('revalues at a threshold the viewer picks, and sets it for serving after confirmation', async () => {
    const { requests } = serve({
      extra: {
        SetServingThreshold: (request) =>
          gqlData({ setServingThreshold: { __typename: 'ModelVersion', id: 'mv_1', servingThreshold: request.variables?.threshold } }),
      },
    });
    renderApp('/models/versions/mv_1?tab=value');
    const user = userEvent.setup();
    await waitFor(() => expect(screen.getByTestId('serving-threshold')).toHaveTextContent("Predictions use threshold 0.42 (the engine's own; none set yet)."));

    await user.click(screen.getByRole('button', { name: 'Choose the best (0.35)' }));
    await waitFor(() => expect(requests.filter((r) => r.operationName === 'ModelValue').at(-1)?.variables).toEqual({ modelVersionId: 'mv_1', threshold: 0.35 }));
    expect(await screen.findByTestId('curve-chosen')).toHaveTextContent('chosen 0.35');
    // choosing is not serving: predictions still use the engine's threshold
    expect(screen.getByTestId('serving-threshold')).toHaveTextContent("Predictions use threshold 0.42 (the engine's own; none set yet).");

    await user.click(await screen.findByRole('button', { name: 'Use 0.35 for serving' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('recorded in the audit log');
    await user.click(within(dialog).getByRole('button', { name: 'Use this threshold' }));
    await waitFor(() => expect(requests.find((r) => r.operationName === 'SetServingThreshold')?.variables).toEqual({ modelVersionId: 'mv_1', threshold: 0.35 }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
  });

  it('hides the serving and value model changes from a viewer without models:promote, saying why', async () => {
    serve({ viewer: reader });
    renderApp('/models/versions/mv_1?tab=value');
    expect(await screen.findByTestId('serving-no-permission')).toHaveTextContent('models:promote');
    expect(screen.queryByRole('button', { name: /for serving/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Change' })).not.toBeInTheDocument();
    expect(screen.getByTestId('value-model-no-permission')).toBeInTheDocument();
  });

  it('without a value model: explains, checks the form, sets one and shows the value', async () => {
    let set = false;
    const { requests } = serve({
      model: () => gqlData({ valueModel: set ? valueModel : null }),
      extra: {
        SetValueModel: () => {
          set = true;
          return gqlData({ setValueModel: { __typename: 'ValueModel', ...valueModel } });
        },
      },
    });
    renderApp('/models/versions/mv_1?tab=value');
    const user = userEvent.setup();
    expect(await screen.findByText('No value model yet')).toBeInTheDocument();

    await user.clear(screen.getByLabelText('Currency'));
    await user.type(screen.getByLabelText('Currency'), 'euro');
    await user.type(screen.getByLabelText('Cost of a false positive'), '-5');
    await user.click(screen.getByRole('button', { name: 'Set the value model' }));
    expect(screen.getByText('A three-letter currency code, e.g. EUR or USD.')).toBeInTheDocument();
    expect(screen.getByText('A cost: give it as a positive amount (0 for none).')).toBeInTheDocument();
    expect(requests.some((r) => r.operationName === 'SetValueModel')).toBe(false);

    await user.clear(screen.getByLabelText('Currency'));
    await user.type(screen.getByLabelText('Currency'), 'eur');
    await user.type(screen.getByLabelText('Predictions a month'), '10000');
    await user.type(screen.getByLabelText('Value of a true positive'), '20');
    await user.type(screen.getByLabelText('Value of a true negative'), '0');
    await user.clear(screen.getByLabelText('Cost of a false positive'));
    await user.type(screen.getByLabelText('Cost of a false positive'), '5');
    await user.type(screen.getByLabelText('Cost of a false negative'), '10');
    await user.click(screen.getByRole('button', { name: 'Set the value model' }));
    await waitFor(() =>
      expect(requests.find((r) => r.operationName === 'SetValueModel')?.variables).toEqual({
        input: {
          modelVersionId: 'mv_1',
          currency: 'EUR',
          monthlyVolume: 10000,
          truePositiveValue: 20,
          trueNegativeValue: 0,
          falsePositiveCost: 5,
          falseNegativeCost: 10,
        },
      }),
    );
    expect(await screen.findByTestId('value-summary')).toHaveTextContent('At threshold 0.42');
  });

  it('asks someone else to set the value model when the viewer cannot', async () => {
    serve({ viewer: reader, model: noValueModel });
    renderApp('/models/versions/mv_1?tab=value');
    expect(await screen.findByTestId('value-model-no-permission')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Set the value model' })).not.toBeInTheDocument();
  });

  it('values a regression model without a threshold or curve, and edits its per-unit costs', async () => {
    serve({
      version: testVersionDetail({ id: 'mv_1', taskType: 'REGRESSION' }),
      value: () =>
        gqlData({
          modelValue: valueAt(null, {
            taskType: 'REGRESSION',
            threshold: null,
            bestThreshold: null,
            confusion: null,
            bestConfusion: null,
            curve: [],
            baselineStrategy: 'CONSTANT',
            valuePerPrediction: -2.1,
            monthlyValue: -21000,
            monthlyValueAtBest: -21000,
            realized: [],
            valueModel: { ...valueModel, taskType: 'REGRESSION', truePositiveValue: null, trueNegativeValue: null, falsePositiveCost: null, falseNegativeCost: null, underPredictionCost: 2, overPredictionCost: 1 },
          }),
        }),
    });
    renderApp('/models/versions/mv_1?tab=value');
    expect(await screen.findByTestId('value-summary')).toHaveTextContent(
      `Each prediction is worth about ${formatMoney(-2.1, 'EUR')}, ${formatMoney(-21000, 'EUR')} a month`,
    );
    expect(screen.queryByRole('slider')).not.toBeInTheDocument();
    expect(screen.getByTestId('realized-empty')).toHaveTextContent('No outcomes recorded yet');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Change' }));
    expect(screen.getByLabelText('Cost per unit under the truth')).toHaveValue('2');
  });

  it('explains that a multiclass value matrix is set through the API', async () => {
    serve({
      version: testVersionDetail({ id: 'mv_1', taskType: 'MULTICLASS' }),
      model: noValueModel,
    });
    renderApp('/models/versions/mv_1?tab=value');
    expect(await screen.findByTestId('value-matrix-api')).toHaveTextContent('setValueModel');
  });
});

describe('Model version › Value tab › a gated stage', () => {
  const production = testVersionDetail({ id: 'mv_1', taskType: 'BINARY', stage: 'PRODUCTION' });

  /** The approvals of mv_1 behind the mocked API: a request adds one. */
  function serveGated(refuse?: { code: string; message: string }) {
    let approvals: PromotionRequestFieldsFragment[] = [];
    const mock = serve({
      version: production,
      extra: {
        PromotionPolicy: () => gqlData({ promotionPolicy: defaultPolicy }),
        ModelVersionApprovals: () => versionApprovals(approvals),
        RequestPromotion: (request) => {
          if (refuse) return gqlError(refuse.code, refuse.message);
          const input = request.variables?.input as { stage: 'PRODUCTION'; justification: string; servingThreshold: number };
          const created = testPromotionRequest({ id: 'pr_t', ...input, canDecide: false });
          approvals = [created];
          return gqlData({ requestPromotion: created });
        },
      },
    });
    return mock;
  }

  it('asks a second person for the threshold, with a justification, then shows the pending request instead of a button', async () => {
    const { requests } = serveGated();
    renderApp('/models/versions/mv_1?tab=value');
    const user = userEvent.setup();
    await waitFor(() => expect(screen.getByTestId('serving-threshold')).toHaveTextContent("In production, a change needs a second person's approval."));
    await user.click(screen.getByRole('button', { name: 'Choose the best (0.35)' }));
    await user.click(await screen.findByRole('button', { name: 'Request threshold 0.35' }));
    expect(screen.queryByRole('button', { name: /for serving/ })).not.toBeInTheDocument();

    const dialog = screen.getByRole('dialog', { name: 'Request threshold 0.35 for serving' });
    expect(dialog).toHaveTextContent('the version stays in production');
    // no justification: nothing is sent
    await user.click(within(dialog).getByRole('button', { name: 'Request the change' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Say why predictions should use this threshold');
    expect(requests.some((r) => r.operationName === 'RequestPromotion')).toBe(false);
    // the field stops at the server's 2,000 characters
    const field = within(dialog).getByLabelText('Justification');
    expect(field).toHaveAttribute('maxLength', '2000');

    await user.type(field, '  Best by value: +1,200 EUR a month.  ');
    await user.click(within(dialog).getByRole('button', { name: 'Request the change' }));
    await waitFor(() =>
      expect(requests.find((r) => r.operationName === 'RequestPromotion')?.variables).toEqual({
        input: { modelVersionId: 'mv_1', stage: 'PRODUCTION', justification: 'Best by value: +1,200 EUR a month.', servingThreshold: 0.35 },
      }),
    );
    expect(requests.some((r) => r.operationName === 'SetServingThreshold')).toBe(false);
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByTestId('serving-threshold-pending')).toHaveTextContent('Threshold 0.35 awaiting approval by someone else.');
    expect(screen.queryByRole('button', { name: /^Request threshold/ })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'See Approvals' })).toHaveAttribute('href', '/approvals');
  });

  it("shows the server's refusal in the dialog and keeps the justification", async () => {
    serveGated({ code: 'CONFLICT', message: 'A request for this version is already pending.' });
    renderApp('/models/versions/mv_1?tab=value');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Choose the best (0.35)' }));
    await user.click(await screen.findByRole('button', { name: 'Request threshold 0.35' }));
    const dialog = screen.getByRole('dialog', { name: 'Request threshold 0.35 for serving' });
    await user.type(within(dialog).getByLabelText('Justification'), 'Fewer missed churners.');
    await user.click(within(dialog).getByRole('button', { name: 'Request the change' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The change was not requested');
    expect(alert).toHaveTextContent('A request for this version is already pending.');
    expect(within(dialog).getByLabelText('Justification')).toHaveValue('Fewer missed churners.');
    expect(screen.queryByTestId('serving-threshold-pending')).not.toBeInTheDocument();
  });

  it('sets it directly where the policy does not gate the stage; a CONFLICT (the policy changed) turns the button into a request', async () => {
    let policy: typeof defaultPolicy | typeof noApprovalPolicy = noApprovalPolicy;
    const { requests } = serve({
      version: production,
      extra: {
        PromotionPolicy: () => gqlData({ promotionPolicy: policy }),
        SetServingThreshold: () => {
          policy = defaultPolicy;
          return gqlError('CONFLICT', 'Production needs a second person: use requestPromotion with servingThreshold.');
        },
      },
    });
    renderApp('/models/versions/mv_1?tab=value');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Choose the best (0.35)' }));
    await user.click(await screen.findByRole('button', { name: 'Use 0.35 for serving' }));
    const dialog = screen.getByRole('alertdialog');
    await user.click(within(dialog).getByRole('button', { name: 'Use this threshold' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('use requestPromotion with servingThreshold');
    expect(requests.filter((r) => r.operationName === 'SetServingThreshold')).toHaveLength(1);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByRole('button', { name: 'Request threshold 0.35' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /for serving/ })).not.toBeInTheDocument();
  });

  it('never offers a change to a reader, gated or not', async () => {
    serve({ viewer: reader, version: production });
    renderApp('/models/versions/mv_1?tab=value');
    expect(await screen.findByTestId('serving-no-permission')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Request threshold|for serving/ })).not.toBeInTheDocument();
  });
});

describe('value formatting', () => {
  it('says when the chosen threshold is already the best', () => {
    expect(valueSummary(valueAt(0.35, { monthlyValue: 32200 }), 'en-US')).toBe(
      'At threshold 0.35 each prediction is worth about €3.10, €32,200 a month for 10,000 predictions; this is already the best threshold.',
    );
  });

  it('reads the form: a decimal comma, costs positive, every figure of the task', () => {
    const state = { ...formStateOf(null), monthlyVolume: '500', truePositiveValue: '1,5', trueNegativeValue: '0', falsePositiveCost: '2', falseNegativeCost: '' };
    expect(parseValueForm(state, 'BINARY', 'mv_1')).toEqual({ errors: { falseNegativeCost: 'An amount between -1,000,000,000 and 1,000,000,000.' } });
    expect(parseValueForm({ ...state, falseNegativeCost: '3' }, 'BINARY', 'mv_1')).toEqual({
      input: { modelVersionId: 'mv_1', currency: 'EUR', monthlyVolume: 500, truePositiveValue: 1.5, trueNegativeValue: 0, falsePositiveCost: 2, falseNegativeCost: 3 },
    });
  });
});
