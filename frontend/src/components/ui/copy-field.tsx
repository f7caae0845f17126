import { useEffect, useId, useRef, useState } from 'react';

import { cn } from '@/lib/cn';

import { Button } from './button';
import { CheckIcon, CopyIcon } from './icons';

/** Copies to the clipboard; without the Clipboard API, selects the input for Ctrl+C. */
export async function copyText(text: string, fallbackInput: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    fallbackInput?.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

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
          onClick={async () => setCopied(await copyText(value, inputRef.current))}
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
