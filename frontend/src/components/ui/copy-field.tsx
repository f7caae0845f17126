import { useEffect, useId, useRef, useState } from 'react';

import { copyText } from '@/lib/clipboard';
import { cn } from '@/lib/cn';

import { Button } from './button';
import { CheckIcon, CopyIcon } from './icons';

/** A read-only value (URL, secret) with a Copy button. */
export function CopyField({
  label,
  value,
  hint,
  className,
  tone = 'neutral',
}: {
  label: string;
  value: string;
  hint?: string;
  className?: string;
  tone?: 'neutral' | 'warning';
}) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(false), 2500);
    return () => window.clearTimeout(timer);
  }, [copied]);

  return (
    <div className={cn('field copy-field', `copy-field--${tone}`, className)}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <div className="copy-field__row">
        <input
          id={id}
          ref={inputRef}
          className="input copy-field__input"
          readOnly
          value={value}
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
        <Button
          variant="secondary"
          icon={copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
          onClick={() => void copyText(value, inputRef.current).then(setCopied)}
          aria-label={copied ? `${label} copied` : `Copy ${label.toLowerCase()}`}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <span className="sr-only" aria-live="polite">
        {copied ? `${label} copied to the clipboard.` : ''}
      </span>
    </div>
  );
}
