import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Card, CardBody } from '@/components/ui/card';
import { FlaskIcon, GitBranchIcon, PlusIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { paths } from '@/config/paths';
import type { JobStatus, ModelStage } from '@/gql/graphql';
import { cn } from '@/lib/cn';
import { usePermissions } from '@/lib/permissions';

import { JOB_STATUSES, MODEL_STAGES } from '../lib/models-format';
import { ModelVersionsList } from './model-versions-list';
import { ModelsNoAccess } from './models-no-access';
import { TrainingJobsList } from './training-jobs-list';

import './models.css';

type Tab = 'jobs' | 'registry';

function pick<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return allowed.find((candidate) => candidate === value) ?? null;
}

/** A link styled as the primary button: starts a training job (needs training:run). */
export function NewTrainingJobLink({ datasetId }: { datasetId?: string | null }) {
  return (
    <Link to={paths.app.newTrainingJob.getHref(datasetId)} className="btn btn--primary btn--md">
      <PlusIcon size={16} />
      New training job
    </Link>
  );
}

/**
 * /models: training jobs (training:read) and the model registry (models:read) as two
 * tabs; the tab and its filter live in the URL (?tab=registry&stage=PRODUCTION).
 */
export function ModelsOverview() {
  const permissions = usePermissions();
  const [params, setParams] = useSearchParams();
  const canJobs = permissions.has('training:read');
  const canRegistry = permissions.has('models:read');
  const canTrain = permissions.has('training:run') && permissions.has('datasets:read');

  const wanted: Tab = params.get('tab') === 'registry' ? 'registry' : 'jobs';
  const tab: Tab | null =
    wanted === 'registry' && canRegistry ? 'registry' : canJobs ? 'jobs' : canRegistry ? 'registry' : null;
  if (!tab) return <ModelsNoAccess permission="training:read or models:read" />;

  const status = pick<JobStatus>(params.get('status'), JOB_STATUSES);
  const stage = pick<ModelStage>(params.get('stage'), MODEL_STAGES);
  const newJob = canTrain ? <NewTrainingJobLink /> : null;

  const tabs: { id: Tab; label: string; icon: ReactNode; shown: boolean }[] = [
    { id: 'jobs', label: 'Training jobs', icon: <FlaskIcon size={16} />, shown: canJobs },
    { id: 'registry', label: 'Model registry', icon: <GitBranchIcon size={16} />, shown: canRegistry },
  ];

  return (
    <>
      <PageHeader
        eyebrow="Machine learning"
        title="Models"
        description="AutoML training jobs with their leaderboards, and the model versions they registered."
        actions={newJob}
      />
      <nav className="tabs" aria-label="Models sections">
        {tabs
          .filter((item) => item.shown)
          .map((item) => (
            <Link
              key={item.id}
              to={paths.app.models.getHref(item.id)}
              className={cn('tabs__link', tab === item.id && 'tabs__link--active')}
              aria-current={tab === item.id ? 'page' : undefined}
            >
              {item.icon}
              {item.label}
            </Link>
          ))}
      </nav>
      <Card aria-labelledby="models-section-title">
        <h2 className="sr-only" id="models-section-title">
          {tab === 'jobs' ? 'Training jobs' : 'Model registry'}
        </h2>
        <CardBody>
          {tab === 'jobs' ? (
            <TrainingJobsList
              status={status}
              onStatusChange={(next) => setParams(next ? { status: next } : {}, { replace: true })}
              newJobButton={newJob}
            />
          ) : (
            <ModelVersionsList
              stage={stage}
              onStageChange={(next) =>
                setParams(next ? { tab: 'registry', stage: next } : { tab: 'registry' }, { replace: true })
              }
            />
          )}
        </CardBody>
      </Card>
    </>
  );
}
