import { createBrowserRouter, createMemoryRouter, Navigate, type RouteObject } from 'react-router';

import { RouteError } from '@/components/errors/route-error';
import { DEFAULT_LANDING, paths } from '@/config/paths';

import { AcceptInviteRoute } from './routes/accept-invite';
import { AdminIndexRoute, AdminRoute, AdminSectionRoute } from './routes/app/admin';
import { ADMIN_SECTIONS } from './routes/app/admin-sections';
import { AlertsRoute } from './routes/app/alerts';
import { ApprovalsRoute } from './routes/app/approvals';
import { ComplianceRoute, ComplianceSectionRoute } from './routes/app/compliance';
import { COMPLIANCE_SECTIONS } from './routes/app/compliance-sections';
import { DataRoute, DatasetRoute } from './routes/app/data';
import { ExecutiveRoute } from './routes/app/executive';
import { ModelsRoute, ModelVersionRoute, NewTrainingJobRoute, TrainingJobRoute } from './routes/app/models';
import { AppRoot } from './routes/app/root';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';

export const routes: RouteObject[] = [
  {
    path: paths.login.path,
    element: <LoginRoute />,
    errorElement: <RouteError />,
  },
  {
    path: paths.acceptInvite.path,
    element: <AcceptInviteRoute />,
    errorElement: <RouteError />,
  },
  {
    path: paths.app.root.path,
    element: <AppRoot />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to={DEFAULT_LANDING} replace /> },
      { path: paths.app.executive.path, element: <ExecutiveRoute /> },
      { path: paths.app.models.path, element: <ModelsRoute /> },
      { path: paths.app.newTrainingJob.path, element: <NewTrainingJobRoute /> },
      { path: paths.app.trainingJob.path, element: <TrainingJobRoute /> },
      { path: paths.app.modelVersion.path, element: <ModelVersionRoute /> },
      { path: paths.app.alerts.path, element: <AlertsRoute /> },
      { path: paths.app.approvals.path, element: <ApprovalsRoute /> },
      { path: paths.app.data.path, element: <DataRoute /> },
      { path: paths.app.dataset.path, element: <DatasetRoute /> },
      {
        path: paths.app.compliance.path,
        element: <ComplianceRoute />,
        children: COMPLIANCE_SECTIONS.map((section) =>
          section.path === ''
            ? { index: true, element: <ComplianceSectionRoute section={section} /> }
            : { path: section.path, element: <ComplianceSectionRoute section={section} /> },
        ),
      },
      {
        path: paths.app.admin.path,
        element: <AdminRoute />,
        children: [
          { index: true, element: <AdminIndexRoute /> },
          ...ADMIN_SECTIONS.map((section) => ({ path: section.path, element: <AdminSectionRoute section={section} /> })),
        ],
      },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

export type AppRouter = ReturnType<typeof createBrowserRouter>;

export function createAppRouter(): AppRouter {
  return createBrowserRouter(routes);
}

export function createTestRouter(initialPath: string): AppRouter {
  return createMemoryRouter(routes, { initialEntries: [initialPath] });
}
