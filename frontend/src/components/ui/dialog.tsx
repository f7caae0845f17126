import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

import { cn } from '@/lib/cn';

import { XIcon } from './icons';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

type DialogProps = {
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** Buttons, right-aligned at the bottom. */
  footer?: ReactNode;
  onClose: () => void;
  /** While true, Escape and the close button do nothing (e.g. a request is running). */
  busy?: boolean;
  size?: 'sm' | 'md' | 'lg';
  /** Focused on open; defaults to the first focusable element of the body. */
  initialFocusRef?: RefObject<HTMLElement | null> | undefined;
  role?: 'dialog' | 'alertdialog';
  className?: string;
};

/**
 * A modal dialog: rendered while mounted, traps Tab inside, closes on Escape,
 * and gives focus back to whatever had it before it opened.
 */
export function Dialog({
  title,
  description,
  children,
  footer,
  onClose,
  busy = false,
  size = 'md',
  initialFocusRef,
  role = 'dialog',
  className,
}: DialogProps) {
  const id = useId();
  const panelRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const panel = panelRef.current;
    const target =
      initialFocusRef?.current ??
      panel?.querySelector('.dialog__body')?.querySelector<HTMLElement>(FOCUSABLE) ??
      panel?.querySelector<HTMLElement>(FOCUSABLE) ??
      panel;
    target?.focus();
    const overflow = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    return () => {
      document.body.style.overflow = overflow;
      if (previous?.isConnected) previous.focus();
    };
    // Only on open: focus must not jump while the person types, so a later initialFocusRef is ignored.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const handleKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      if (!busy) onClose();
      return;
    }
    if (event.key !== 'Tab' || !panelRef.current) return;
    const focusable = [...panelRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    if (event.shiftKey && (document.activeElement === first || document.activeElement === panelRef.current)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div className="dialog-backdrop">
      <div
        ref={panelRef}
        className={cn('dialog', `dialog--${size}`, className)}
        role={role}
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={description ? `${id}-description` : undefined}
        tabIndex={-1}
        onKeyDown={handleKeyDown}
      >
        <header className="dialog__header">
          <div className="dialog__heading">
            <h2 className="dialog__title" id={`${id}-title`}>
              {title}
            </h2>
            {description ? (
              <p className="dialog__description" id={`${id}-description`}>
                {description}
              </p>
            ) : null}
          </div>
          <button
            type="button"
            className="dialog__close"
            onClick={() => {
              if (!busy) onClose();
            }}
            aria-label="Close"
            disabled={busy}
          >
            <XIcon size={18} />
          </button>
        </header>
        {children ? <div className="dialog__body">{children}</div> : null}
        {footer ? <footer className="dialog__footer">{footer}</footer> : null}
      </div>
    </div>,
    document.body,
  );
}
