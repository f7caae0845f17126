import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie } from '@/testing/mock-fetch';
import { testVersionDetail } from '@/testing/models-fixtures';
import { renderApp } from '@/testing/test-utils';

import { curlExample, interpretPrediction, parseJsonRows, rowFromForm, shellQuote } from '../lib/predict-rows';

const features = testVersionDetail().features;

async function openPanel(predict: () => ReturnType<typeof gqlData>, version = testVersionDetail()) {
  setSessionCookie();
  const mocks = mockFetch({
    graphql: {
      AppViewer: () => gqlData({ viewer: testViewer }),
      ModelVersion: () => gqlData({ modelVersion: version }),
      Predict: predict,
    },
  });
  renderApp(`/models/versions/${version.id}`);
  const panel = (await screen.findByRole('heading', { name: 'Try it' })).closest('section')!;
  return { ...mocks, panel };
}

describe('Models › Try it', () => {
  it('explains a prediction with a waterfall, says what the positive class means, and shows input warnings', async () => {
    const explanation = {
      baseValue: -0.2,
      output: 1.1,
      explained: 'log-odds of churn = Yes',
      method: 'tree',
      contributions: [
        { feature: 'tenure_months', value: -5, contribution: 1.6 },
        { feature: 'payment_method', value: 'Mars', contribution: -0.3 },
      ],
    };
    const { requests, panel } = await openPanel(() =>
      gqlData({
        predict: {
          predictions: ['Yes'],
          probabilities: [{ No: 0.25, Yes: 0.75 }],
          scores: null,
          target: 'churn',
          positiveClass: 'Yes',
          warnings: [
            { row: 0, feature: 'tenure_months', kind: 'OUT_OF_RANGE', message: 'tenure_months -5 is outside the training range (0 to 72).' },
            { row: 0, feature: 'payment_method', kind: 'UNSEEN_CATEGORY', message: "payment_method 'Mars' never appeared in training." },
          ],
          explanations: [explanation],
        },
      }),
    );
    const user = userEvent.setup();

    await user.type(within(panel).getByLabelText('tenure_months'), '-5');
    await user.type(within(panel).getByLabelText('payment_method'), 'Mars');
    await user.click(within(panel).getByRole('switch', { name: /Explain/ }));
    await user.click(within(panel).getByRole('button', { name: 'Predict' }));

    await waitFor(() => expect(requests.find((r) => r.operationName === 'Predict')?.variables?.explain).toBe(true));
    expect(await within(panel).findByTestId('positive-class')).toHaveTextContent(
      'its probability is the probability that churn = Yes',
    );
    const warnings = within(panel).getByRole('list', { name: 'Warnings of row 1' });
    expect(within(warnings).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'tenure_months -5 is outside the training range (0 to 72).',
      "payment_method 'Mars' never appeared in training.",
    ]);
    const chart = within(panel).getByRole('img', { name: /^Why row 1: log-odds of churn = Yes goes from -0.2/ });
    expect(chart.getAttribute('aria-label')).toContain('the largest push is tenure_months (+1.6)');
    const steps = within(panel).getAllByTestId('waterfall-step');
    expect(steps.map((step) => step.getAttribute('data-direction'))).toEqual(['up', 'down']);
    expect(within(panel).getByTestId('prediction-explanation')).toHaveTextContent('exact tree SHAP');
    expect(within(panel).getByTestId('curl-example')).toHaveTextContent('/predict?explain=true');
  });


  it('builds a row from the form and shows the class probabilities', async () => {
    const { requests, panel } = await openPanel(() =>
      gqlData({ predict: { predictions: ['Yes'], probabilities: [{ No: 0.27, Yes: 0.73 }], scores: null, target: null, positiveClass: null, warnings: [], explanations: null } }),
    );
    const user = userEvent.setup();

    const tenure = within(panel).getByLabelText('tenure_months');
    expect(tenure).toHaveAttribute('type', 'number');
    expect(tenure).toHaveValue(null);
    expect(within(panel).getByLabelText('payment_method')).toHaveAttribute('type', 'text');
    await user.type(tenure, '12');
    await user.type(within(panel).getByLabelText('payment_method'), 'Electronic check');
    await user.click(within(panel).getByRole('button', { name: 'Predict' }));

    await waitFor(() =>
      expect(requests.find((r) => r.operationName === 'Predict')?.variables).toEqual({
        modelVersionId: 'mv_1',
        rows: [{ tenure_months: 12, payment_method: 'Electronic check' }],
        explain: false,
      }),
    );
    expect(await within(panel).findByTestId('prediction-value')).toHaveTextContent('Yes');
    const probabilities = within(panel).getByRole('list', { name: 'Class probabilities of row 1' });
    expect(within(probabilities).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['No27%', 'Yes73%']);
    expect(within(probabilities).getAllByRole('listitem')[1]).toHaveClass('probabilities__item--top');

    // The curl example carries the same rows.
    expect(within(panel).getByTestId('curl-example')).toHaveTextContent(
      `curl -X POST '${window.location.origin}/api/v1/models/mv_1/predict'`,
    );
    expect(within(panel).getByTestId('curl-example')).toHaveTextContent(`-H 'Authorization: Bearer <token>'`);
    expect(within(panel).getByTestId('curl-example')).toHaveTextContent(
      `-d '{"rows":[{"tenure_months":12,"payment_method":"Electronic check"}]}'`,
    );
  });

  it('sends an empty input as a missing value and refuses text in a number field', async () => {
    const { requests, panel } = await openPanel(() => gqlData({ predict: { predictions: ['No'], probabilities: null, scores: null, target: null, positiveClass: null, warnings: [], explanations: null } }));
    const user = userEvent.setup();

    await user.click(within(panel).getByRole('button', { name: 'Predict' }));
    await waitFor(() =>
      expect(requests.find((r) => r.operationName === 'Predict')?.variables?.rows).toEqual([
        { tenure_months: null, payment_method: null },
      ]),
    );
    expect(rowFromForm(features, { tenure_months: 'twelve' })).toEqual({
      ok: false,
      errors: { tenure_months: 'Enter a number, or leave it empty for a missing value.' },
    });
  });

  it('takes JSON rows and shows one result per row, with anomaly scores', async () => {
    const anomaly = testVersionDetail({ taskType: 'ANOMALY_DETECTION', classes: null, metric: 'average_precision', engine: 'anomaly' });
    const { requests, panel } = await openPanel(
      () => gqlData({ predict: { predictions: [false, true], probabilities: null, scores: [0.12, 0.97], target: null, positiveClass: null, warnings: [], explanations: null } }),
      anomaly,
    );
    const user = userEvent.setup();

    await user.type(within(panel).getByLabelText('tenure_months'), '3');
    await user.click(within(panel).getByRole('radio', { name: 'JSON rows' }));
    const editor = within(panel).getByRole('textbox', { name: 'JSON rows' });
    // The form's row carries over.
    expect(JSON.parse((editor as HTMLTextAreaElement).value)).toEqual([{ tenure_months: 3, payment_method: null }]);

    await user.clear(editor);
    await user.type(editor, 'not json');
    await user.click(within(panel).getByRole('button', { name: 'Predict' }));
    expect(within(panel).getByRole('alert')).toHaveTextContent(/^This is not valid JSON/);
    expect(requests.some((r) => r.operationName === 'Predict')).toBe(false);

    await user.clear(editor);
    await user.click(editor);
    await user.paste('[{"tenure_months": 1, "payment_method": "Mailed check"}, {"tenure_months": 70, "payment_method": null}]');
    await user.click(within(panel).getByRole('button', { name: 'Predict' }));

    await waitFor(() => expect(requests.find((r) => r.operationName === 'Predict')?.variables?.rows).toHaveLength(2));
    const results = await within(panel).findByRole('heading', { name: 'Predictions for 2 rows' });
    const list = results.parentElement!.querySelector('ol')!;
    expect([...list.querySelectorAll('li')].map((item) => item.textContent)).toEqual([
      'Row 1NormalAnomaly score 0.12',
      'Row 2AnomalousAnomaly score 0.97',
    ]);
  });

  it("shows the server's refusal", async () => {
    const { panel } = await openPanel(() => gqlError('BAD_USER_INPUT', 'Row 1 lacks the feature tenure_months.'));
    const user = userEvent.setup();
    await user.click(within(panel).getByRole('button', { name: 'Predict' }));
    expect(await within(panel).findByRole('alert')).toHaveTextContent('Row 1 lacks the feature tenure_months.');
  });

  it('is not offered without predictions:run', async () => {
    setSessionCookie();
    mockFetch({
      graphql: {
        AppViewer: () => gqlData({ viewer: viewerWith(['models:read']) }),
        ModelVersion: () => gqlData({ modelVersion: testVersionDetail() }),
      },
    });
    renderApp('/models/versions/mv_1');
    expect(await screen.findByRole('heading', { name: 'Customer churn · churn v3', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Try it' })).not.toBeInTheDocument();
  });
});

describe('predict rows', () => {
  it('reads probabilities as per-class lists or objects, in class order', () => {
    expect(interpretPrediction({ predictions: ['b'], probabilities: [[0.2, 0.8]] }, ['a', 'b'])).toEqual([
      {
        prediction: 'b',
        probabilities: [
          { label: 'a', probability: 0.2 },
          { label: 'b', probability: 0.8 },
        ],
        score: null,
      },
    ]);
    expect(interpretPrediction({ predictions: [1], probabilities: [{ b: 0.9, a: 0.1 }] }, ['a', 'b'])[0]?.probabilities).toEqual([
      { label: 'a', probability: 0.1 },
      { label: 'b', probability: 0.9 },
    ]);
    expect(interpretPrediction({ predictions: [12.5], probabilities: null, scores: null }, null)).toEqual([
      { prediction: 12.5, probabilities: null, score: null },
    ]);
  });

  it('accepts an array, a single row or the REST body', () => {
    expect(parseJsonRows('[{"a": 1}]')).toEqual({ ok: true, rows: [{ a: 1 }] });
    expect(parseJsonRows('{"a": 1}')).toEqual({ ok: true, rows: [{ a: 1 }] });
    expect(parseJsonRows('{"rows": [{"a": 1}, {"a": 2}]}')).toEqual({ ok: true, rows: [{ a: 1 }, { a: 2 }] });
    expect(parseJsonRows('[]')).toEqual({ ok: false, error: 'Give at least one row.' });
    expect(parseJsonRows('[1]')).toEqual({ ok: false, error: 'Row 1 is not an object of feature names and values.' });
  });

  it('quotes the curl body for a shell', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(curlExample('https://ml.bank.example', 'mv 1', [{ name: "O'Brien" }])).toBe(
      [
        `curl -X POST 'https://ml.bank.example/api/v1/models/mv%201/predict' \\`,
        `  -H 'Authorization: Bearer <token>' \\`,
        `  -H 'Content-Type: application/json' \\`,
        `  -d '{"rows":[{"name":"O'\\''Brien"}]}'`,
      ].join('\n'),
    );
  });
});
