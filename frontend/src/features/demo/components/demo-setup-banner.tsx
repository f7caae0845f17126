import { useEffect } from 'react';
import { useQuery } from 'urql';

import { Alert } from '@/components/ui/alert';

import { DemoSetupQuery } from '../api/demo-setup';
import './demo-setup-banner.css';

/** How often the banner asks again while the demo data is being prepared. */
export const DEMO_SETUP_POLL_MS = 3000;

/**
 * Shown while `make run`'s demo organization is still being filled at first start (the
 * server answers `demoSetup: null` everywhere else): which step runs, and a bar. The
 * pages update themselves as each step lands (the overviews listen for changes).
 */
export function DemoSetupBanner() {
  const [{ data }, reexecute] = useQuery({ query: DemoSetupQuery, requestPolicy: 'network-only' });
  const setup = data?.demoSetup;
  const running = !!setup && !setup.done && !setup.error;

  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => reexecute({ requestPolicy: 'network-only' }), DEMO_SETUP_POLL_MS);
    return () => window.clearInterval(timer);
  }, [running, reexecute]);

  if (!setup || setup.done) return null;
  if (setup.error) {
    return (
      <Alert tone="warning" title="The demo data could not be prepared" className="demo-setup">
        Step {setup.step} of {setup.total} ({setup.label}) stopped: {setup.error} Restart the server to try
        again from that step.
      </Alert>
    );
  }
  return (
    <div className="demo-setup" role="status">
      <p>
        <strong>Preparing the demo organization's data</strong>, step {setup.step} of {setup.total}:{' '}
        {setup.label}. Figures appear as each step finishes; no need to reload.
      </p>
      <progress
        className="demo-setup__bar"
        max={setup.total}
        value={setup.step - 1}
        aria-label="Demo data preparation"
        aria-valuetext={`Step ${setup.step} of ${setup.total}`}
      />
    </div>
  );
}
