import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { FlaskIcon } from '@/components/ui/icons';
import { InfoGrid } from '@/components/ui/info-grid';
import { PageHeader } from '@/components/ui/page-header';

export function ModelsOverview() {
  return (
    <>
      <PageHeader
        eyebrow="Machine learning"
        title="Models"
        description="AutoML experiments, their leaderboards, and the models promoted from them."
      />
      <Card>
        <EmptyState
          icon={<FlaskIcon size={26} />}
          title="No experiments yet"
          description="An AutoML experiment trains and tunes many candidate models on a dataset you choose, ranks them on a leaderboard by the metric that matters to you, and explains each one so you can promote the best with confidence."
        >
          <InfoGrid
            heading="How an experiment works"
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
                text: 'Review the leaderboard, feature importance and fairness checks.',
              },
              {
                icon: null,
                title: 'Validate and deploy',
                text: 'Submit the chosen model for review, then deploy it with an audit trail.',
              },
            ]}
          />
        </EmptyState>
      </Card>
    </>
  );
}
