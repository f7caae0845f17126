import type { ReactNode } from 'react';

import { ComplianceIcon, EyeIcon, GitBranchIcon } from '@/components/ui/icons';
import { Logo } from '@/components/ui/logo';

import './layout.css';

const highlights = [
  {
    icon: <GitBranchIcon size={18} />,
    title: 'Governed model lifecycle',
    text: 'From AutoML experiment to approved deployment, with every step versioned.',
  },
  {
    icon: <EyeIcon size={18} />,
    title: 'Explainable by design',
    text: 'Feature attributions and model cards for reviewers and regulators.',
  },
  {
    icon: <ComplianceIcon size={18} />,
    title: 'Audit-ready',
    text: 'An immutable trail of who trained, approved and deployed what, and when.',
  },
];

/** Split screen used by the sign-in page: brand panel on the left, form on the right. */
export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <div className="auth-layout">
      <aside className="auth-layout__brand">
        <Logo tone="light" size="lg" />
        <div className="auth-layout__pitch">
          <h2 className="auth-layout__headline">Enterprise AutoML for regulated industries</h2>
          <p className="auth-layout__lead">
            Build, validate and monitor machine-learning models with the controls your model risk and compliance teams
            expect.
          </p>
          <ul className="auth-layout__highlights">
            {highlights.map((item) => (
              <li key={item.title}>
                <span className="auth-layout__highlight-icon">{item.icon}</span>
                <span>
                  <strong>{item.title}</strong>
                  <span>{item.text}</span>
                </span>
              </li>
            ))}
          </ul>
        </div>
        <p className="auth-layout__legal">© {new Date().getFullYear()} Phantom ML Studio</p>
      </aside>
      <main className="auth-layout__main">
        <div className="auth-layout__panel">
          <div className="auth-layout__mobile-logo">
            <Logo />
          </div>
          <h1 className="auth-layout__title">{title}</h1>
          {subtitle ? <p className="auth-layout__subtitle">{subtitle}</p> : null}
          {children}
        </div>
      </main>
    </div>
  );
}
