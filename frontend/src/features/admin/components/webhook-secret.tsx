import { useEffect, useRef, useState } from 'react';

import { Button } from '@/components/ui/button';
import { AlertTriangleIcon, CheckIcon, CopyIcon } from '@/components/ui/icons';
import { copyText } from '@/lib/clipboard';

/** A new webhook's signing secret, shown this once until dismissed (the server keeps no readable copy for us). */
export function WebhookSecret({ url, secret, onDismiss }: { url: string; secret: string; onDismiss: () => void }) {
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
    <div className="token-secret" ref={boxRef} tabIndex={-1} role="region" aria-label="New webhook secret">
      <div className="token-secret__header">
        <AlertTriangleIcon size={18} className="token-secret__icon" />
        <div>
          <p className="token-secret__title">Copy the signing secret for {url} now</p>
          <p className="token-secret__text">
            You will not see this secret again. Your receiver needs it to check the X-Phantom-Signature header of every
            delivery (HMAC-SHA256 of “timestamp.body”). If it is lost, delete the webhook and create a new one.
          </p>
        </div>
      </div>
      <div className="token-secret__value">
        <input
          ref={inputRef}
          className="token-secret__input"
          readOnly
          value={secret}
          aria-label="Webhook signing secret"
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
          data-testid="webhook-secret"
        />
        <Button
          variant="secondary"
          icon={copied ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
          onClick={() => void copyText(secret, inputRef.current).then(setCopied)}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
      <div className="token-secret__footer">
        <span className="sr-only" aria-live="polite">
          {copied ? 'Secret copied to the clipboard.' : ''}
        </span>
        <Button variant="secondary" size="sm" icon={<CheckIcon size={15} />} onClick={onDismiss}>
          I have stored it safely
        </Button>
      </div>
    </div>
  );
}
