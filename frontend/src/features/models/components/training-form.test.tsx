import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { testDataset, testDatasetDetail } from '@/testing/dataset-fixtures';
import { testViewer, viewerWith } from '@/testing/mock-data';
import { gqlData, gqlError, mockFetch, setSessionCookie, type RecordedRequest } from '@/testing/mock-fetch';
import { testJob, testJobDetail, testTrainingOptions } from '@/testing/models-fixtures';
import { renderApp } from '@/testing/test-utils';

import { defaultMetricFor, metricsForTask, validateTrainingForm } from '../lib/training-form-state';

type Reply = ReturnType<typeof gqlData>;

function mockApi(startTraining: (request: RecordedRequest) => Reply = () => gqlData({ startTraining: testJob({ id: 'job_new', status: 'QUEUED' }) })) {
  return mockFetch({
    graphql: {
      AppViewer: () => gqlData({ viewer: testViewer }),
      TrainingOptions: () => gqlData({ trainingOptions: testTrainingOptions }),
      TrainingDatasets: () =>
        gqlData({
          datasets: {
            totalCount: 3,
            pageInfo: { hasNextPage: false, endCursor: null },
            edges: [
              testDataset(),
              testDataset({ id: 'ds_2', name: 'Loans 2024', status: 'PROFILING' }),
              testDataset({ id: 'ds_3', name: 'Transactions' }),
            ].map((node) => ({ cursor: node.id, node })),
          },
        }),
      TrainingDataset: (request) => {
        const detail = testDatasetDetail();
        return gqlData({
          dataset: {
            id: request.variables?.id,
            name: request.variables?.id === 'ds_3' ? 'Transactions' : detail.name,
            status: 'READY',
            profile: {
              suggestedTargets: detail.profile?.suggestedTargets ?? [],
              columns: (detail.profile?.columns ?? []).map(({ name, type, distinctCount, missingPercent }) => ({
                name,
                type,
                distinctCount,
                missingPercent,
              })),
            },
          },
        });
      },
      StartTraining: startTraining,
      TrainingJob: () => gqlData({ trainingJob: testJobDetail({ id: 'job_new', status: 'QUEUED', progress: 0, leaderboard: [] }) }),
    },
  });
}

async function openForm(path = '/models/train?dataset=ds_1') {
  const utils = renderApp(path);
  const form = await screen.findByRole('form', { name: 'New training job' });
  // The dataset's columns arrive after the form.
  await within(form).findByRole('option', { name: 'churn (boolean)' });
  return { ...utils, form };
}

function optionNames(select: HTMLElement): string[] {
  return within(select)
    .getAllByRole('option')
    .map((option) => option.textContent ?? '');
}

describe('Models › training form', () => {
  it('preselects the dataset and its first suggested target, with the reason', async () => {
    setSessionCookie();
    mockApi();
    const { form } = await openForm();

    expect(within(form).getByLabelText('Dataset')).toHaveValue('ds_1');
    // Only READY datasets are offered.
    expect(optionNames(within(form).getByLabelText('Dataset'))).toEqual(['Choose a dataset', 'Customer churn', 'Transactions']);
    const target = within(form).getByLabelText('Target column');
    expect(target).toHaveValue('churn');
    expect(target).toHaveAccessibleDescription('Suggested for binary classification: Two values with enough of each class to learn from.');
    expect(within(form).getByLabelText('Task')).toHaveValue('AUTO');
    expect(within(form).getByLabelText('Time budget (seconds)')).toHaveValue(60);
    // what the budget bounds and how progress moves, as docs/automl.md says
    expect(within(form).getByLabelText('Time budget (seconds)')).toHaveAccessibleDescription(
      expect.stringContaining('The budget bounds the model search, not the whole job'),
    );
    expect(within(form).getByLabelText('Time budget (seconds)')).toHaveAccessibleDescription(
      expect.stringContaining('every job ends within 1.25 × budget + 30 s. Progress follows the search up to 90 %'),
    );
    expect(within(form).getByLabelText('Engine')).toHaveValue('AUTOGLUON');
    expect(optionNames(within(form).getByLabelText('Engine'))).toEqual(['AutoGluon', 'H2O AutoML']);
  });

  it('offers only the metrics of the chosen task, with the default first', async () => {
    setSessionCookie();
    mockApi();
    const { form } = await openForm();
    const user = userEvent.setup();
    const metric = within(form).getByLabelText('Metric');
    const task = within(form).getByLabelText('Task');

    expect(optionNames(metric)).toEqual(['Default for the detected task']);

    await user.selectOptions(task, 'BINARY');
    expect(optionNames(metric)).toEqual(['Default (roc_auc)', 'roc_auc', 'log_loss', 'accuracy']);
    await user.selectOptions(metric, 'log_loss');
    expect(metric).toHaveAccessibleDescription('Logarithmic loss. (lower is better)');

    await user.selectOptions(task, 'REGRESSION');
    expect(optionNames(metric)).toEqual(['Default (rmse)', 'rmse', 'r2']);
    // log_loss does not apply to regression: back to the default.
    expect(metric).toHaveValue('');

    await user.selectOptions(task, 'MULTICLASS');
    expect(optionNames(metric)).toEqual(['Default (accuracy)', 'log_loss', 'accuracy']);
  });

  it('makes the target an optional label column for anomaly detection', async () => {
    setSessionCookie();
    const { requests } = mockApi();
    const { form, router } = await openForm();
    const user = userEvent.setup();

    await user.selectOptions(within(form).getByLabelText('Task'), 'ANOMALY_DETECTION');
    expect(within(form).queryByLabelText('Target column')).not.toBeInTheDocument();
    const label = within(form).getByLabelText('Label column (optional, for evaluation)');
    expect(label).toHaveValue('');
    expect(optionNames(label)[0]).toBe('None');

    await user.click(within(form).getByRole('button', { name: 'Start training' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/models/jobs/job_new'));
    const input = requests.find((r) => r.operationName === 'StartTraining')?.variables?.input;
    expect(input).toEqual({
      datasetId: 'ds_1',
      taskType: 'ANOMALY_DETECTION',
      timeBudgetSeconds: 60,
      engine: 'AUTOGLUON',
      excludedColumns: [],
    });
  });

  it('brings the suggested target back when the task needs one again', async () => {
    setSessionCookie();
    mockApi();
    const { form } = await openForm();
    const user = userEvent.setup();

    await user.selectOptions(within(form).getByLabelText('Task'), 'ANOMALY_DETECTION');
    expect(within(form).getByLabelText('Label column (optional, for evaluation)')).toHaveValue('');
    await user.selectOptions(within(form).getByLabelText('Task'), 'REGRESSION');
    expect(within(form).getByLabelText('Target column')).toHaveValue('churn');
  });

  it('asks for a dataset, a target and a budget within the limits before asking the server', async () => {
    setSessionCookie();
    const { requests } = mockApi();
    renderApp('/models/train');
    const form = await screen.findByRole('form', { name: 'New training job' });
    const user = userEvent.setup();

    expect(within(form).getByLabelText('Dataset')).toHaveValue('');
    expect(within(form).getByLabelText('Target column')).toBeDisabled();
    await user.clear(within(form).getByLabelText('Time budget (seconds)'));
    await user.type(within(form).getByLabelText('Time budget (seconds)'), '5');
    await user.click(within(form).getByRole('button', { name: 'Start training' }));

    expect(within(form).getByLabelText('Dataset')).toHaveAccessibleDescription('Choose a dataset to train on.');
    expect(within(form).getByLabelText('Target column')).toHaveAccessibleDescription(
      expect.stringContaining('Choose the column to predict.'),
    );
    expect(within(form).getByLabelText('Time budget (seconds)')).toHaveAccessibleDescription(
      'Enter a whole number of seconds from 10 to 3,600.',
    );
    expect(requests.some((r) => r.operationName === 'StartTraining')).toBe(false);
  });

  it('sends every setting and opens the new job', async () => {
    setSessionCookie();
    const { requests } = mockApi();
    const { form, router } = await openForm();
    const user = userEvent.setup();

    await user.selectOptions(within(form).getByLabelText('Task'), 'BINARY');
    await user.selectOptions(within(form).getByLabelText('Metric'), 'accuracy');
    await user.selectOptions(within(form).getByLabelText('Engine'), 'H2O');
    await user.selectOptions(within(form).getByLabelText('Model to serve'), 'Best score');
    expect(within(form).getByText('The leaderboard’s best, however slow it is to predict.')).toBeInTheDocument();
    await user.clear(within(form).getByLabelText('Time budget (seconds)'));
    await user.type(within(form).getByLabelText('Time budget (seconds)'), '120');
    await user.type(within(form).getByLabelText('Model name (optional)'), 'Churn model');
    // The target itself is not offered for exclusion.
    const columns = within(form).getByRole('group', { name: 'Columns to leave out (optional)' });
    expect(within(columns).queryByRole('checkbox', { name: /^churn/ })).not.toBeInTheDocument();
    await user.click(within(columns).getByRole('checkbox', { name: /payment_method/ }));

    await user.click(within(form).getByRole('button', { name: 'Start training' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/models/jobs/job_new'));
    expect(requests.find((r) => r.operationName === 'StartTraining')?.variables).toEqual({
      input: {
        datasetId: 'ds_1',
        target: 'churn',
        taskType: 'BINARY',
        timeBudgetSeconds: 120,
        metric: 'accuracy',
        engine: 'H2O',
        servingChoice: 'BEST_SCORE',
        modelName: 'Churn model',
        excludedColumns: ['payment_method'],
      },
    });
  });

  it('names protected attributes, one evaluated only (left out of the features), and refuses columns with too many values', async () => {
    setSessionCookie();
    const { requests } = mockApi();
    const { form, router } = await openForm();
    const user = userEvent.setup();

    const fairness = within(form).getByRole('group', { name: 'Protected attributes (optional)' });
    // tenure_months has 73 values: more than the 50 a group comparison allows
    expect(within(fairness).getByRole('checkbox', { name: 'Protect tenure_months' })).toBeDisabled();
    expect(fairness).toHaveTextContent('73 values: too many to compare groups');
    // the target is not offered
    expect(within(fairness).queryByRole('checkbox', { name: 'Protect churn' })).not.toBeInTheDocument();
    expect(within(fairness).queryByRole('checkbox', { name: /^Exclude/ })).not.toBeInTheDocument();
    await user.click(within(fairness).getByRole('checkbox', { name: 'Protect payment_method' }));
    await user.click(within(fairness).getByRole('checkbox', { name: 'Exclude payment_method from the features' }));

    await user.click(within(form).getByRole('button', { name: 'Start training' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/models/jobs/job_new'));
    const input = requests.find((r) => r.operationName === 'StartTraining')?.variables?.input as Record<string, unknown>;
    expect(input.protectedAttributes).toEqual(['payment_method']);
    expect(input.excludedColumns).toEqual(['payment_method']);
  });

  it("shows the server's BAD_USER_INPUT message next to the form", async () => {
    setSessionCookie();
    mockApi(() => gqlError('BAD_USER_INPUT', 'The target column churn has only one value in the data: there is nothing to learn.'));
    const { form, router } = await openForm();
    const user = userEvent.setup();

    await user.click(within(form).getByRole('button', { name: 'Start training' }));
    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent('Check the job’s settings');
    expect(alert).toHaveTextContent('The target column churn has only one value in the data: there is nothing to learn.');
    expect(router.state.location.pathname).toBe('/models/train');
  });

  it('changing the dataset loads its columns and starts the target again', async () => {
    setSessionCookie();
    const { requests } = mockApi();
    const { form } = await openForm();
    const user = userEvent.setup();

    await user.selectOptions(within(form).getByLabelText('Target column'), 'tenure_months');
    await user.selectOptions(within(form).getByLabelText('Dataset'), 'ds_3');
    await waitFor(() => expect(requests.filter((r) => r.operationName === 'TrainingDataset').at(-1)?.variables).toEqual({ id: 'ds_3' }));
    expect(await within(form).findByLabelText('Target column')).toHaveValue('churn');
  });

  it('is not offered without training:run', async () => {
    setSessionCookie();
    mockFetch({ graphql: { AppViewer: () => gqlData({ viewer: viewerWith(['training:read', 'datasets:read']) }) } });
    renderApp('/models/train');
    expect(await screen.findByRole('heading', { name: 'You do not have access to this' })).toBeInTheDocument();
    expect(screen.getByText(/training:run/)).toBeInTheDocument();
  });
});

describe('training form rules', () => {
  it('filters metrics by task and reads the default metric from JSON', () => {
    expect(metricsForTask(testTrainingOptions.metrics, 'BINARY').map((m) => m.name)).toEqual(['roc_auc', 'log_loss', 'accuracy']);
    expect(metricsForTask(testTrainingOptions.metrics, 'AUTO')).toEqual([]);
    expect(defaultMetricFor(testTrainingOptions.defaultMetrics, 'REGRESSION')).toBe('rmse');
    expect(defaultMetricFor(testTrainingOptions.defaultMetrics, 'AUTO')).toBeUndefined();
    expect(defaultMetricFor('nonsense', 'BINARY')).toBeUndefined();
  });

  it('needs a target except for anomaly detection', () => {
    const values = {
      datasetId: 'ds_1',
      target: '',
      taskType: 'BINARY' as const,
      budget: '60',
      metric: '',
      engine: 'AUTOGLUON' as const,
      modelName: '',
      excludedColumns: [],
    };
    expect(validateTrainingForm(values, testTrainingOptions.limits)).toEqual({ target: 'Choose the column to predict.' });
    expect(validateTrainingForm({ ...values, taskType: 'ANOMALY_DETECTION' }, testTrainingOptions.limits)).toEqual({});
    expect(validateTrainingForm({ ...values, target: 'churn', budget: '60.5' }, testTrainingOptions.limits).budget).toMatch(
      /whole number/,
    );
  });
});

describe('Models › training form › forecasting', () => {
  it('asks for the time column, series id and horizon, checked as the server words it, and sends only what a forecast reads', async () => {
    setSessionCookie();
    const { requests } = mockApi();
    const { form, router } = await openForm();
    const user = userEvent.setup();

    await user.selectOptions(within(form).getByLabelText('Task'), 'FORECASTING');
    // a forecast reads the time, the series id and the target: nothing else is offered
    expect(within(form).queryByLabelText('Engine')).not.toBeInTheDocument();
    expect(within(form).queryByLabelText('Model to serve')).not.toBeInTheDocument();
    expect(within(form).queryByRole('group', { name: 'Columns to leave out (optional)' })).not.toBeInTheDocument();
    expect(within(form).queryByRole('group', { name: 'Protected attributes (optional)' })).not.toBeInTheDocument();
    // the first numeric column is the default target
    expect(within(form).getByLabelText('Target column')).toHaveValue('tenure_months');
    expect(within(form).getByLabelText('Prediction interval')).toHaveValue('80');
    expect(within(form).getByLabelText('Series id column (optional)')).toHaveValue('');

    // no time column (this dataset has no dates), a horizon beyond 500
    const horizon = within(form).getByLabelText('Horizon (steps)');
    await user.clear(horizon);
    await user.type(horizon, '501');
    await user.click(within(form).getByRole('button', { name: 'Start training' }));
    expect(within(form).getByLabelText('Time column')).toHaveAccessibleDescription(
      expect.stringContaining('FORECASTING needs timeColumn: the column of dates or times.'),
    );
    expect(horizon).toHaveAccessibleDescription(expect.stringContaining('The horizon must be between 1 and 500 steps; got 501.'));
    for (const bad of ['0', '2.5', '-3', '1e9']) {
      await user.clear(horizon);
      await user.type(horizon, bad);
      await user.click(within(form).getByRole('button', { name: 'Start training' }));
      expect(horizon).toHaveAccessibleDescription(expect.stringContaining('The horizon must be between 1 and 500 steps'));
    }
    // the same column in two roles
    await user.selectOptions(within(form).getByLabelText('Time column'), 'payment_method');
    await user.selectOptions(within(form).getByLabelText('Series id column (optional)'), 'tenure_months');
    await user.clear(horizon);
    await user.type(horizon, '6');
    await user.click(within(form).getByRole('button', { name: 'Start training' }));
    expect(within(form).getByLabelText('Series id column (optional)')).toHaveAccessibleDescription(
      expect.stringContaining('The time column, the series id column and the target must be three different columns.'),
    );
    expect(requests.some((r) => r.operationName === 'StartTraining')).toBe(false);

    await user.selectOptions(within(form).getByLabelText('Series id column (optional)'), 'churn');
    await user.selectOptions(within(form).getByLabelText('Prediction interval'), '95');
    await user.click(within(form).getByRole('button', { name: 'Start training' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/models/jobs/job_new'));
    expect(requests.find((r) => r.operationName === 'StartTraining')?.variables).toEqual({
      input: {
        datasetId: 'ds_1',
        target: 'tenure_months',
        taskType: 'FORECASTING',
        timeBudgetSeconds: 60,
        timeColumn: 'payment_method',
        seriesIdColumn: 'churn',
        horizon: 6,
        intervalLevel: 95,
      },
    });
  });

  it("shows the server's refusal of a forecast (history too short for the backtest)", async () => {
    setSessionCookie();
    const message =
      "3 series have fewer than 114 points (e.g. 'a': 60); with a season of 12 and a horizon of 30, each needs 114 (two seasons, then 3 backtest windows of the horizon).";
    mockApi(() => gqlError('BAD_USER_INPUT', message));
    const { form, router } = await openForm();
    const user = userEvent.setup();
    await user.selectOptions(within(form).getByLabelText('Task'), 'FORECASTING');
    await user.selectOptions(within(form).getByLabelText('Time column'), 'payment_method');
    await user.click(within(form).getByRole('button', { name: 'Start training' }));
    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent('Check the job’s settings');
    expect(alert).toHaveTextContent(message);
    expect(router.state.location.pathname).toBe('/models/train');
  });
});
