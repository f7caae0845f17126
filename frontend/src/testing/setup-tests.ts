import '@testing-library/jest-dom/vitest';

import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Role queries over the whole app are slow in jsdom on a small CI machine.
configure({ asyncUtilTimeout: 4000 });

afterEach(() => {
  cleanup();
  // Forget any session cookies a test set.
  for (const cookie of document.cookie.split(';')) {
    const name = cookie.split('=')[0]?.trim();
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
});
