import { AreaPlaceholder } from '@/components/ui/area-placeholder';
import { FlaskIcon } from '@/components/ui/icons';

export function ModelsOverview() {
  return (
    <AreaPlaceholder
      eyebrow="Machine learning"
      title="Models"
      description="AutoML experiments, their leaderboards, and the models promoted from them."
      icon={<FlaskIcon size={26} />}
      emptyTitle="No experiments yet"
      emptyText="An AutoML experiment trains and tunes many candidate models on a dataset you choose, ranks them on a leaderboard by the metric that matters to you, and explains each one so you can promote the best with confidence."
      gridHeading="How an experiment works"
      numbered
      items={[
        { icon: null, title: 'Pick a dataset and target', text: 'Choose what to predict, such as default within 12 months.' },
        {
          icon: null,
          title: 'Let AutoML search',
          text: 'Algorithms, features and hyperparameters are tried with honest cross-validation.',
        },
        {
          icon: null,
          title: 'Compare and explain',
          text: 'Review the leaderboard and each model’s feature importance.',
        },
        {
          icon: null,
          title: 'Validate and deploy',
          text: 'Submit the chosen model for review, then deploy it with an audit trail.',
        },
      ]}
    />
  );
}
