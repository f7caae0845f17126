import { AreaPlaceholder } from '@/components/ui/area-placeholder';
import { ActivityIcon, AlertTriangleIcon, ComplianceIcon, ModelsIcon, TrendingUpIcon } from '@/components/ui/icons';

export function ExecutiveOverview() {
  return (
    <AreaPlaceholder
      eyebrow="Overview"
      title="Executive overview"
      description="Business impact, model health and risk across your organization's machine-learning portfolio."
      icon={<TrendingUpIcon size={26} />}
      emptyTitle="Key figures appear here once models are in production"
      emptyText="As soon as a first model is deployed, this page summarises its value and health for leadership — no spreadsheets to assemble."
      gridHeading="What you will see here"
      items={[
        {
          icon: <ModelsIcon size={18} />,
          title: 'Models in production',
          text: 'Live models by business line, with owner and last validation date.',
        },
        {
          icon: <ActivityIcon size={18} />,
          title: 'Prediction volume',
          text: 'Scoring traffic over time for batch and real-time endpoints.',
        },
        {
          icon: <AlertTriangleIcon size={18} />,
          title: 'Drift and performance alerts',
          text: 'Models whose data or accuracy moved outside agreed thresholds.',
        },
        {
          icon: <ComplianceIcon size={18} />,
          title: 'Pending approvals',
          text: 'Models waiting for model-risk or compliance sign-off.',
        },
      ]}
    />
  );
}
