import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { LogOutIcon } from '@/components/ui/icons';

import { logout } from '../api/logout';

/**
 * Ends the session on the server, then lets the app drop its client state.
 * The local sign-out happens even if the server call fails (e.g. the session
 * had already expired), so the person is never stuck signed in on screen.
 */
export function SignOutButton({ onSignedOut }: { onSignedOut: () => void | Promise<void> }) {
  const [pending, setPending] = useState(false);

  const handleClick = async () => {
    setPending(true);
    try {
      await logout();
    } catch {
      // Ignored on purpose: see above.
    }
    setPending(false);
    await onSignedOut();
  };

  return (
    <Button variant="secondary" size="sm" icon={<LogOutIcon size={15} />} loading={pending} onClick={() => void handleClick()}>
      Sign out
    </Button>
  );
}
