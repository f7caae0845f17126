import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import type { ValueModelFieldsFragment } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';

import { SetValueModelMutation, VALUE_CONTEXT } from '../../api/value';
import { formStateOf, parseValueForm, VALUE_FIELDS, type ValueFormErrors, type ValueFormState } from '../../lib/value-format';

const LABEL: Record<keyof ValueFormState, { label: string; hint: string }> = {
  currency: { label: 'Currency', hint: 'ISO code, e.g. EUR, USD, GBP.' },
  monthlyVolume: { label: 'Predictions a month', hint: 'How many predictions you expect a month.' },
  truePositiveValue: { label: 'Value of a true positive', hint: 'Gained when the model rightly says yes (may be negative).' },
  trueNegativeValue: { label: 'Value of a true negative', hint: 'Gained when the model rightly says no (often 0).' },
  falsePositiveCost: { label: 'Cost of a false positive', hint: 'Lost when it wrongly says yes (a positive amount).' },
  falseNegativeCost: { label: 'Cost of a false negative', hint: 'Lost when it misses a yes (a positive amount).' },
  underPredictionCost: { label: 'Cost per unit under the truth', hint: 'For each unit the prediction falls short.' },
  overPredictionCost: { label: 'Cost per unit over the truth', hint: 'For each unit the prediction overshoots.' },
};

/**
 * The figures the organization puts on each outcome (setValueModel, models:promote): one
 * set per registered model, so every version is valued alike.
 */
export function ValueModelForm({
  versionId,
  task,
  current,
  onDone,
}: {
  versionId: string;
  task: 'BINARY' | 'REGRESSION';
  current: ValueModelFieldsFragment | null;
  onDone?: () => void;
}) {
  const [state, setState] = useState<ValueFormState>(() => formStateOf(current));
  const [errors, setErrors] = useState<ValueFormErrors>({});
  const [serverError, setServerError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState(false);
  const [{ fetching }, save] = useMutation(SetValueModelMutation);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    setServerError(null);
    const parsed = parseValueForm(state, task, versionId);
    if ('errors' in parsed) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    const result = await save({ input: parsed.input }, VALUE_CONTEXT);
    if (result.error) {
      setServerError(toAppError(result.error));
      return;
    }
    setSaved(true);
    onDone?.();
  }

  const field = (name: keyof ValueFormState, extra: { inputMode?: 'decimal' | 'numeric' } = {}) => (
    <Field
      key={name}
      label={LABEL[name].label}
      hint={LABEL[name].hint}
      error={errors[name]}
      value={state[name]}
      onChange={(event) => setState((previous) => ({ ...previous, [name]: event.target.value }))}
      inputMode={name === 'currency' ? 'text' : (extra.inputMode ?? 'decimal')}
      autoComplete="off"
    />
  );

  return (
    <form className="value-form" onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Value model">
      <div className="value-form__grid">
        {field('currency')}
        {field('monthlyVolume', { inputMode: 'numeric' })}
        {VALUE_FIELDS[task].map((name) => field(name))}
      </div>
      {serverError ? (
        <Alert role="alert" tone="danger" title="The value model was not saved">
          <ErrorMessage error={serverError} />
        </Alert>
      ) : null}
      <div className="value-form__actions">
        <Button type="submit" loading={fetching}>
          {current ? 'Save the value model' : 'Set the value model'}
        </Button>
        {saved ? (
          <span role="status" className="muted">
            Saved: every version of this model is valued with these figures.
          </span>
        ) : null}
      </div>
    </form>
  );
}
