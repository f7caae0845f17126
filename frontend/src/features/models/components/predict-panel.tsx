import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { copyText } from '@/lib/clipboard';
import { Field } from '@/components/ui/field';
import { CheckIcon, CopyIcon, EyeIcon } from '@/components/ui/icons';
import { paths } from '@/config/paths';
import type { PredictMutation as PredictResult, TaskType } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';
import { COLUMN_TYPE_LABEL } from '@/lib/ml-labels';
import { usePermissions } from '@/lib/permissions';

import { PredictMutation } from '../api/model-versions';
import { formatScore } from '../lib/models-format';
import { WaterfallChart } from './charts/waterfall-chart';
import {
  curlExample,
  describeValue,
  interpretPrediction,
  parseJsonRows,
  rowFromForm,
  templateRow,
  type FeatureInput,
  type Row,
  type RowPrediction,
} from '../lib/predict-rows';

type Mode = 'form' | 'json';

type Answer = PredictResult['predict'];
type Explanation = NonNullable<Answer['explanations']>[number];
type InputWarning = Answer['warnings'][number];

const METHOD_TEXT: Record<string, string> = {
  tree: 'exact tree SHAP',
  kernel: 'sampled Kernel SHAP (an estimate)',
  permutation: 'sampled permutation SHAP (an estimate)',
};

export type PredictableVersion = {
  id: string;
  taskType: TaskType;
  features: readonly FeatureInput[];
  classes?: readonly string[] | null | undefined;
};

function formatProbability(probability: number): string {
  const percent = probability * 100;
  return `${percent.toLocaleString(undefined, { maximumFractionDigits: percent >= 10 || percent === 0 ? 1 : 2 })}%`;
}

function RowWarnings({ warnings, index }: { warnings: readonly InputWarning[]; index: number }) {
  if (warnings.length === 0) return null;
  return (
    <Alert tone="warning" title={`Row ${index + 1} is unlike the training data`} className="prediction__warnings">
      <ul className="prediction-warnings" aria-label={`Warnings of row ${index + 1}`} data-testid="prediction-warnings">
        {warnings.map((warning) => (
          <li key={`${warning.feature}-${warning.kind}`}>{warning.message}</li>
        ))}
      </ul>
      <p className="muted">The model scored it anyway: treat this prediction with care.</p>
    </Alert>
  );
}

function RowExplanation({ explanation, index }: { explanation: Explanation; index: number }) {
  return (
    <div className="prediction__explanation" data-testid="prediction-explanation">
      <p className="prediction__explained">
        What pushed it: each bar is one feature’s contribution to <strong>{explanation.explained}</strong>, from the value for a
        typical input to this row’s, largest first ({METHOD_TEXT[explanation.method] ?? explanation.method}).
      </p>
      <WaterfallChart explanation={explanation} explained={explanation.explained} rowLabel={`row ${index + 1}`} />
    </div>
  );
}

function Prediction({
  result,
  index,
  taskType,
  warnings = [],
  explanation,
}: {
  result: RowPrediction;
  index: number;
  taskType: TaskType;
  warnings?: readonly InputWarning[];
  explanation?: Explanation | undefined;
}) {
  const anomaly = taskType === 'ANOMALY_DETECTION';
  const value =
    anomaly && typeof result.prediction === 'boolean'
      ? result.prediction
        ? 'Anomalous'
        : 'Normal'
      : typeof result.prediction === 'number'
        ? formatScore(result.prediction)
        : describeValue(result.prediction);
  const top = result.probabilities?.reduce<number>((max, entry) => Math.max(max, entry.probability), 0);
  return (
    <li className="prediction">
      <p className="prediction__heading">
        <span className="prediction__row">Row {index + 1}</span>
        <span className="prediction__value" data-testid="prediction-value">
          {value}
        </span>
        {result.score !== null ? (
          <span className="prediction__score">
            Anomaly score <strong>{formatScore(result.score)}</strong>
          </span>
        ) : null}
      </p>
      {result.probabilities && result.probabilities.length > 0 ? (
        <ul className="probabilities" aria-label={`Class probabilities of row ${index + 1}`}>
          {result.probabilities.map((entry) => (
            <li
              key={entry.label}
              className={entry.probability === top ? 'probabilities__item probabilities__item--top' : 'probabilities__item'}
            >
              <span className="probabilities__label">{entry.label}</span>
              <span className="probabilities__track" aria-hidden="true">
                <span
                  className="probabilities__bar"
                  style={{ width: `${Math.max(1, Math.min(100, entry.probability * 100))}%` }}
                />
              </span>
              <span className="probabilities__value">{formatProbability(entry.probability)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <RowWarnings warnings={warnings} index={index} />
      {explanation ? <RowExplanation explanation={explanation} index={index} /> : null}
    </li>
  );
}

/** "Probabilities are of approved = yes": what the positive class means, in words. */
function PositiveClassNote({ answer }: { answer: Answer }) {
  if (!answer.target) return null;
  if (answer.positiveClass) {
    return (
      <p className="muted" data-testid="positive-class">
        The model predicts <code>{answer.target}</code>. The positive class is <strong>{answer.positiveClass}</strong>: its
        probability is the probability that {answer.target} = {answer.positiveClass}.
      </p>
    );
  }
  return (
    <p className="muted" data-testid="positive-class">
      The model predicts <code>{answer.target}</code>.
    </p>
  );
}

function CurlExample({ versionId, rows, explain }: { versionId: string; rows: readonly Row[]; explain: boolean }) {
  const permissions = usePermissions();
  const [copied, setCopied] = useState(false);
  const text = curlExample(window.location.origin, versionId, rows, explain);
  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(false), 2500);
    return () => window.clearTimeout(timer);
  }, [copied]);
  return (
    <section className="curl-example" aria-labelledby="curl-title">
      <div className="curl-example__header">
        <h3 className="predict-panel__subheading" id="curl-title">
          The same call over REST
        </h3>
        <Button
          variant="secondary"
          size="sm"
          icon={copied ? <CheckIcon size={14} /> : <CopyIcon size={14} />}
          onClick={() => void copyText(text, null).then(setCopied)}
          aria-label={copied ? 'curl command copied' : 'Copy the curl command'}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
      <pre className="code-block" data-testid="curl-example">
        <code>{text}</code>
      </pre>
      <p className="field__hint">
        Replace <code>&lt;token&gt;</code> with an API token that has the <code>predictions:run</code> permission
        {permissions.has('tokens:create') ? (
          <>
            {' '}
            (create one under <Link to={paths.app.adminTokens.getHref()}>Admin › API tokens</Link>)
          </>
        ) : null}
        .
      </p>
      <span className="sr-only" aria-live="polite">
        {copied ? 'The curl command was copied to the clipboard.' : ''}
      </span>
    </section>
  );
}

/**
 * "Try it": predicts with this version from a form generated from its features (numbers for
 * numeric features, text otherwise) or from JSON rows, and shows each row's prediction,
 * class probabilities or anomaly score, plus the equivalent REST call.
 */
export function PredictPanel({ version }: { version: PredictableVersion }) {
  const id = useId();
  const { features } = version;
  const [mode, setMode] = useState<Mode>('form');
  const [values, setValues] = useState<Record<string, string>>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [json, setJson] = useState(() => JSON.stringify([templateRow(features)], null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [results, setResults] = useState<RowPrediction[] | null>(null);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [explain, setExplain] = useState(false);
  const [serverError, setServerError] = useState<AppError | null>(null);
  const [{ fetching }, predict] = useMutation(PredictMutation);

  const formRow = rowFromForm(features, values);
  const parsed = parseJsonRows(json);
  const exampleRows: Row[] =
    mode === 'form' ? [formRow.ok ? formRow.row : templateRow(features)] : parsed.ok ? parsed.rows : [templateRow(features)];

  const switchTo = (next: Mode) => {
    if (next === mode) return;
    if (next === 'json' && formRow.ok) setJson(JSON.stringify([formRow.row], null, 2));
    if (next === 'form' && parsed.ok && parsed.rows[0]) {
      const first = parsed.rows[0];
      setValues(
        Object.fromEntries(
          features.map((feature) => {
            const value = first[feature.name];
            const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
            return [feature.name, text];
          }),
        ),
      );
    }
    setFieldErrors({});
    setJsonError(null);
    setMode(next);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (fetching) return;
    setServerError(null);
    let rows: Row[];
    if (mode === 'form') {
      if (!formRow.ok) {
        setFieldErrors(formRow.errors);
        return;
      }
      setFieldErrors({});
      rows = [formRow.row];
    } else {
      if (!parsed.ok) {
        setJsonError(parsed.error);
        return;
      }
      setJsonError(null);
      rows = parsed.rows;
    }
    const result = await predict({ modelVersionId: version.id, rows, explain });
    if (result.error || !result.data) {
      setResults(null);
      setAnswer(null);
      setServerError(result.error ? toAppError(result.error) : { code: 'INTERNAL', message: 'The prediction failed.' });
      return;
    }
    setResults(interpretPrediction(result.data.predict, version.classes));
    setAnswer(result.data.predict);
  };

  return (
    <Card aria-labelledby={`${id}-title`}>
      <CardHeader
        id={`${id}-title`}
        icon={<EyeIcon size={18} />}
        title="Try it"
        description="Ask this version for predictions. Leave an input empty to send a missing value."
      />
      <CardBody className="models-panel predict-panel">
        <fieldset className="predict-panel__modes">
          <legend className="sr-only">Input</legend>
          <label className={mode === 'form' ? 'segmented__option segmented__option--active' : 'segmented__option'}>
            <input type="radio" name={`${id}-mode`} checked={mode === 'form'} onChange={() => switchTo('form')} />
            Form
          </label>
          <label className={mode === 'json' ? 'segmented__option segmented__option--active' : 'segmented__option'}>
            <input type="radio" name={`${id}-mode`} checked={mode === 'json'} onChange={() => switchTo('json')} />
            JSON rows
          </label>
        </fieldset>

        <form onSubmit={(event) => void submit(event)} noValidate aria-label="Predict" className="models-panel">
          {mode === 'form' ? (
            features.length === 0 ? (
              <p className="muted">This version lists no input features.</p>
            ) : (
              <div className="predict-panel__fields">
                {features.map((feature) => (
                  <Field
                    key={feature.name}
                    label={feature.name}
                    type={feature.type === 'NUMERIC' ? 'number' : 'text'}
                    inputMode={feature.type === 'NUMERIC' ? 'decimal' : undefined}
                    step={feature.type === 'NUMERIC' ? 'any' : undefined}
                    value={values[feature.name] ?? ''}
                    error={fieldErrors[feature.name]}
                    hint={COLUMN_TYPE_LABEL[feature.type]}
                    onChange={(event) => {
                      const value = event.target.value;
                      setValues((previous) => ({ ...previous, [feature.name]: value }));
                      setFieldErrors((previous) => {
                        const rest = { ...previous };
                        delete rest[feature.name];
                        return rest;
                      });
                    }}
                  />
                ))}
              </div>
            )
          ) : (
            <div className={jsonError ? 'field field--invalid' : 'field'}>
              <label className="field__label" htmlFor={`${id}-json`}>
                JSON rows
              </label>
              <textarea
                id={`${id}-json`}
                className="textarea code-textarea"
                rows={Math.min(18, Math.max(6, json.split('\n').length + 1))}
                spellCheck={false}
                value={json}
                aria-invalid={jsonError ? true : undefined}
                aria-describedby={`${id}-json-hint`}
                onChange={(event) => {
                  setJson(event.target.value);
                  setJsonError(null);
                }}
              />
              {jsonError ? (
                <p className="field__error" role="alert">
                  {jsonError}
                </p>
              ) : null}
              <p className="field__hint" id={`${id}-json-hint`}>
                An array of objects, one per row, from feature name to value (null for a missing value).
              </p>
            </div>
          )}

          {serverError ? (
            <Alert tone="danger" role="alert" title="The prediction failed">
              <ErrorMessage error={serverError} />
            </Alert>
          ) : null}

          <label className="switch predict-panel__explain">
            <input type="checkbox" role="switch" checked={explain} onChange={(event) => setExplain(event.target.checked)} />
            <span className="checkbox__text">
              <span className="checkbox__label">Explain</span>
              <span className="checkbox__description">Show what pushed each prediction up or down (SHAP). Takes longer.</span>
            </span>
          </label>

          <div className="predict-panel__actions">
            <Button type="submit" loading={fetching}>
              Predict
            </Button>
          </div>
        </form>

        {results ? (
          <section aria-labelledby={`${id}-results`} className="predict-panel__results">
            <h3 className="predict-panel__subheading" id={`${id}-results`}>
              {results.length === 1 ? 'Prediction' : `Predictions for ${results.length} rows`}
            </h3>
            {answer ? <PositiveClassNote answer={answer} /> : null}
            {results.length === 0 ? (
              <p className="muted">The model returned no predictions.</p>
            ) : (
              <ol className="prediction-list" aria-live="polite">
                {results.map((result, index) => (
                  <Prediction
                    key={index}
                    result={result}
                    index={index}
                    taskType={version.taskType}
                    warnings={answer?.warnings.filter((warning) => warning.row === index)}
                    explanation={answer?.explanations?.[index]}
                  />
                ))}
              </ol>
            )}
          </section>
        ) : null}

        <CurlExample versionId={version.id} rows={exampleRows} explain={explain} />
      </CardBody>
    </Card>
  );
}
