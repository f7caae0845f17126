import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';

import { ErrorMessage } from '@/components/errors/error-message';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { AlertCircleIcon } from '@/components/ui/icons';
import { toAppError, type AppError } from '@/lib/errors';

import { login, loginInputSchema, type LoginInput, type LoginResponse } from '../api/login';
import { ssoLoginUrl, ssoSlug } from '../api/sso';

import './login-form.css';

type FieldName = keyof LoginInput;
type FieldErrors = Partial<Record<FieldName, string>>;

const FIELD_ORDER: FieldName[] = ['tenant', 'email', 'password'];

/** A full page load: the identity provider's pages are not part of the app. */
function goTo(url: string) {
  window.location.assign(url);
}

export function LoginForm({
  onSuccess,
  navigate = goTo,
}: {
  onSuccess: (result: LoginResponse) => void;
  navigate?: (url: string) => void;
}) {
  const [values, setValues] = useState<LoginInput>({ tenant: '', email: '', password: '' });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<AppError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [retryIn, setRetryIn] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  // Count down after a 429 so the person knows when to try again.
  useEffect(() => {
    if (retryIn <= 0) return;
    const timer = window.setTimeout(() => setRetryIn((s) => s - 1), 1000);
    return () => window.clearTimeout(timer);
  }, [retryIn]);

  const focusField = (name: FieldName) => {
    formRef.current?.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.focus();
  };

  // Typing starts at once: the first empty field (the browser may have filled some) has the focus.
  useEffect(() => {
    const inputs = FIELD_ORDER.map((name) => formRef.current?.querySelector<HTMLInputElement>(`input[name="${name}"]`));
    (inputs.find((input) => input && !input.value) ?? inputs[0])?.focus();
  }, []);

  const update = (name: FieldName) => (event: ChangeEvent<HTMLInputElement>) => {
    const value = event.target.value;
    setValues((prev) => ({ ...prev, [name]: value }));
    if (fieldErrors[name]) setFieldErrors((prev) => ({ ...prev, [name]: undefined }));
  };

  // Single sign-on needs only the organization; the identity provider asks for the rest.
  const handleSso = () => {
    const slug = ssoSlug(values.tenant);
    if (!slug) {
      setFieldErrors({ tenant: "Enter your organization's ID to sign in with SSO." });
      setFormError(null);
      focusField('tenant');
      return;
    }
    setFieldErrors({});
    navigate(ssoLoginUrl(slug));
  };

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting || retryIn > 0) return;

    const parsed = loginInputSchema.safeParse(values);
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const name = issue.path[0] as FieldName;
        errors[name] ??= issue.message;
      }
      setFieldErrors(errors);
      setFormError(null);
      const first = FIELD_ORDER.find((name) => errors[name]);
      if (first) focusField(first);
      return;
    }

    setFieldErrors({});
    setFormError(null);
    setSubmitting(true);
    try {
      const result = await login(parsed.data);
      onSuccess(result);
    } catch (error) {
      if (!mounted.current) return;
      const appError = toAppError(error);
      setFormError(appError);
      if (appError.code === 'RATE_LIMITED' && appError.retryAfterSeconds) {
        setRetryIn(appError.retryAfterSeconds);
      }
      if (appError.code === 'UNAUTHENTICATED') {
        setValues((prev) => ({ ...prev, password: '' }));
        focusField('password');
      }
    } finally {
      if (mounted.current) setSubmitting(false);
    }
  };

  return (
    <form ref={formRef} className="login-form" onSubmit={(event) => void handleSubmit(event)} noValidate aria-label="Sign in">
      {formError ? (
        <div className="login-form__alert" role="alert">
          <AlertCircleIcon size={18} className="login-form__alert-icon" />
          <p>
            <ErrorMessage error={formError} />
          </p>
        </div>
      ) : null}

      <Field
        label="Organization"
        name="tenant"
        type="text"
        autoComplete="organization"
        autoCapitalize="none"
        spellCheck={false}
        value={values.tenant}
        onChange={update('tenant')}
        error={fieldErrors.tenant}
        hint="Your organization's short ID, as provided by your administrator."
        required
      />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        value={values.email}
        onChange={update('email')}
        error={fieldErrors.email}
        required
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        value={values.password}
        onChange={update('password')}
        error={fieldErrors.password}
        required
      />

      <Button type="submit" size="lg" block loading={submitting} disabled={retryIn > 0}>
        Sign in
      </Button>
      {retryIn > 0 ? (
        <p className="login-form__retry" aria-live="off">
          You can try again in {retryIn} second{retryIn === 1 ? '' : 's'}.
        </p>
      ) : null}

      <div className="login-form__divider" role="separator">
        <span>or</span>
      </div>
      <Button type="button" variant="secondary" size="lg" block onClick={handleSso}>
        Sign in with SSO
      </Button>
      <p className="login-form__sso-hint">
        Uses the organization above and your company&apos;s identity provider.
      </p>
    </form>
  );
}
