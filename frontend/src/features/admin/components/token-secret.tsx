import { useEffect, useRef, useState } from 'react';

import { Button } from '@/components/ui/button';
import { copyText } from '@/lib/clipboard';
import { AlertTriangleIcon, CheckIcon, CopyIcon } from '@/components/ui/icons';

import type { CreatedToken } from './create-api-token-form';

/** Shows a newly created token secret exactly once, until dismissed. */
export function TokenSecret({ created, onDismiss }: { created: CreatedToken; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    boxRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(false), 2500);
    return () => window.clearTimeout(timer);
  }, [copied]);

  return (
    <div className="token-secret" ref={boxRef} tabIndex={-1} role="region" aria-label="New API token">
      <div className="token-secret__header">
        <AlertTriangleIcon size={18} className="token-secret__icon" />
        <div>
          <p className="token-secret__title">Copy the token for “{created.name}” now</p>
          <p className="token-secret__text">
            This is the only time it is shown — Phantom ML Studio stores only a hash. Keep it in your secret manager. If
            it is lost, revoke it and create a new one.
          </p>
        </div>
      </div>
      <div className="token-secret__value">
        <input
          ref={inputRef}
          className="token-secret__input"
          readOnly
          value={created.token}
          aria-label="API token secret"
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
          data-testid="api-token-secret"
        />
        <Button
          variant="secondary"
          icon={copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
          onClick={() => void copyText(created.token, inputRef.current).then(setCopied)}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
      <div className="token-secret__footer">
        <span className="sr-only" aria-live="polite">
          {copied ? 'Token copied to the clipboard.' : ''}
        </span>
        <Button variant="secondary" size="sm" icon={<CheckIcon size={15} />} onClick={onDismiss}>
          I have stored it safely
        </Button>
      </div>
    </div>
  );
}
