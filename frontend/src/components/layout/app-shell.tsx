import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { NavLink } from 'react-router';

import { Badge } from '@/components/ui/badge';
import { BuildingIcon, MenuIcon } from '@/components/ui/icons';
import { Logo } from '@/components/ui/logo';
import { appVersion, env } from '@/config/env';
import { cn } from '@/lib/cn';
import { formatRole, initials } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';

import { navSections } from './nav-items';
import './layout.css';

export type ShellTenant = { name: string; slug: string };
export type ShellUser = { displayName: string; email: string; roles: readonly string[] };

type AppShellProps = {
  tenant: ShellTenant;
  user: ShellUser;
  /** Rendered at the right end of the top bar (e.g. the sign-out button). */
  userActions?: ReactNode;
  /** A count beside a nav entry, by its `to` (e.g. pending approvals); hidden when 0 or absent. */
  navCounts?: Readonly<Record<string, number | null>>;
  children: ReactNode;
};

const SIDEBAR_ID = 'app-sidebar';

function Sidebar({
  counts = {},
  open = false,
  onNavigate,
}: {
  counts?: Readonly<Record<string, number | null>>;
  /** Below 1100 px the sidebar is folded away and shown only while open. */
  open?: boolean;
  onNavigate?: () => void;
}) {
  const permissions = usePermissions();
  const sections = navSections
    .map((section) => ({
      ...section,
      items: section.items.filter((item) => !item.anyOf || permissions.hasAny(item.anyOf)),
    }))
    .filter((section) => section.items.length > 0);
  return (
    <aside className={cn('sidebar', open && 'sidebar--open')} id={SIDEBAR_ID}>
      <div className="sidebar__brand">
        <Logo tone="light" />
      </div>
      <nav className="sidebar__nav" aria-label="Main">
        {sections.map((section) => (
          <div className="sidebar__section" key={section.heading}>
            <p className="sidebar__heading">{section.heading}</p>
            <ul className="sidebar__list">
              {section.items.map((item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    title={item.description}
                    onClick={onNavigate}
                    aria-label={counts[item.to] ? `${item.label}, ${counts[item.to]} pending` : undefined}
                    className={({ isActive }) => cn('sidebar__link', isActive && 'sidebar__link--active')}
                  >
                    <span className="sidebar__link-icon">{item.icon}</span>
                    <span className="sidebar__link-label">{item.label}</span>
                    {/* a space: axe reads the visible text as "Approvals 1", which the label contains */}{' '}
                    <NavCount count={counts[item.to] ?? null} />
                  </NavLink>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <div className="sidebar__footer">
        <span className="sidebar__footer-text">
          {env.NAME} <span className="sidebar__version">v{appVersion}</span>
        </span>
      </div>
    </aside>
  );
}

function NavCount({ count }: { count: number | null }) {
  if (!count) return null;
  // aria-hidden: the link's aria-label says it in words
  return (
    <span className="sidebar__count" aria-hidden="true" data-testid="nav-count">
      {count > 99 ? '99+' : count}
    </span>
  );
}

type TopBarProps = Omit<AppShellProps, 'children' | 'navCounts'> & {
  menuOpen: boolean;
  onToggleMenu: () => void;
  menuButton: RefObject<HTMLButtonElement | null>;
};

function TopBar({ tenant, user, userActions, menuOpen, onToggleMenu, menuButton }: TopBarProps) {
  const name = user.displayName || user.email;
  return (
    <header className="topbar">
      {/* Shown below 1100 px only, where the sidebar folds away. */}
      <button
        ref={menuButton}
        type="button"
        className="topbar__menu"
        aria-expanded={menuOpen}
        aria-controls={SIDEBAR_ID}
        aria-label="Menu"
        onClick={onToggleMenu}
      >
        <MenuIcon size={20} />
      </button>
      <div className="topbar__tenant">
        <span className="topbar__tenant-icon">
          <BuildingIcon size={16} />
        </span>
        <div className="topbar__tenant-text">
          <span className="topbar__tenant-label">Organization</span>
          <span className="topbar__tenant-name" data-testid="tenant-name">
            {tenant.name}
          </span>
        </div>
        <Badge className="topbar__tenant-slug" title="Organization ID used at sign-in">
          {tenant.slug}
        </Badge>
      </div>

      <div className="topbar__user">
        {user.roles.length > 0 ? (
          <ul className="topbar__roles" aria-label="Your roles">
            {user.roles.map((role) => (
              <li key={role}>
                <Badge tone="brand">{formatRole(role)}</Badge>
              </li>
            ))}
          </ul>
        ) : null}
        <span className="topbar__divider" aria-hidden="true" />
        <span className="avatar" aria-hidden="true">
          {initials(name)}
        </span>
        <div className="topbar__identity">
          <span className="topbar__user-name" data-testid="user-name">
            {name}
          </span>
          <span className="topbar__user-email">{user.email}</span>
        </div>
        {userActions}
      </div>
    </header>
  );
}

/** The signed-in frame: sidebar navigation, top bar and the page content. */
export function AppShell({ tenant, user, userActions, navCounts, children }: AppShellProps) {
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);

  // Opened, the menu takes the focus (its first link); Escape folds it, as it closes a
  // dialog, and gives the focus back to the menu button.
  useEffect(() => {
    if (!menuOpen) return;
    document.getElementById(SIDEBAR_ID)?.querySelector<HTMLElement>('nav a')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main-content">
        Skip to main content
      </a>
      <Sidebar counts={navCounts} open={menuOpen} onNavigate={() => setMenuOpen(false)} />
      {menuOpen ? <div className="app-shell__backdrop" aria-hidden="true" onClick={() => setMenuOpen(false)} /> : null}
      <div className="app-shell__main">
        <TopBar
          tenant={tenant}
          user={user}
          userActions={userActions}
          menuOpen={menuOpen}
          onToggleMenu={() => setMenuOpen((open) => !open)}
          menuButton={menuButton}
        />
        <main className="app-shell__content" id="main-content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}

/** Placeholder frame while the viewer loads, so the page doesn't jump. */
export function AppShellSkeleton() {
  return (
    <div className="app-shell" aria-busy="true">
      <Sidebar />
      <div className="app-shell__main">
        <header className="topbar">
          <div className="skeleton skeleton--text" style={{ width: 200 }} />
          <div className="skeleton skeleton--text" style={{ width: 260 }} />
        </header>
        <main className="app-shell__content">
          <p className="sr-only" role="status">
            Loading your workspace…
          </p>
          <div className="skeleton skeleton--title" />
          <div className="skeleton skeleton--block" />
        </main>
      </div>
    </div>
  );
}
