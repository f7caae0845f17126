import { useQuery } from 'urql';

import { LoadErrorAlert } from '@/components/errors/load-error-alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ScaleIcon } from '@/components/ui/icons';
import { Spinner } from '@/components/ui/spinner';
import { toAppError } from '@/lib/errors';
import { formatStat } from '@/lib/format';

import { ModelVersionFairnessQuery } from '../../api/governance';
import { belowLine, measureLabel, type FairnessReport } from '../../lib/fairness-format';
import { FairnessChart } from './fairness-chart';

import '../monitoring/monitoring.css';
import './governance.css';

function AttributeCard({ report }: { report: FairnessReport }) {
  const below = report.flagged ? belowLine(report) : [];
  const id = `fairness-${report.attribute.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  return (
    <Card aria-labelledby={id} className={report.flagged ? 'fairness-card fairness-card--flagged' : 'fairness-card'} data-testid="fairness-attribute">
      <CardHeader
        id={id}
        icon={<ScaleIcon size={18} />}
        title={report.attribute}
        description={report.summary}
        actions={
          <span className="fairness-card__badges">
            {report.excludedFromFeatures ? <Badge tone="neutral">Evaluated only: not a feature</Badge> : null}
            {report.flagged ? (
              <Badge tone="danger" dot>
                Flagged
              </Badge>
            ) : (
              <Badge tone="success" dot>
                Not flagged
              </Badge>
            )}
          </span>
        }
      />
      <CardBody className="models-panel">
        {below.length > 0 ? (
          <p className="fairness-card__finding" role="note">
            Below four fifths of the highest selection rate: <strong>{below.join(', ')}</strong>.
          </p>
        ) : null}
        <FairnessChart report={report} />
        {report.disparities.length > 0 ? (
          <table className="table models-table models-table--compact">
            <caption className="sr-only">Disparities between the groups of {report.attribute}</caption>
            <thead>
              <tr>
                <th scope="col">Disparity</th>
                <th scope="col" className="table__number">
                  Value
                </th>
                <th scope="col" className="table__number">
                  Threshold
                </th>
                <th scope="col">Judged</th>
              </tr>
            </thead>
            <tbody>
              {report.disparities.map((d) => (
                <tr key={`${d.measure}-${d.positiveClass ?? ''}`} className={d.flagged ? 'fairness-row--flagged' : undefined}>
                  <th scope="row">
                    {measureLabel(d.measure)}
                    {d.positiveClass ? <span className="muted"> (class {d.positiveClass})</span> : null}
                  </th>
                  <td className="table__number">{d.value === null || d.value === undefined ? 'Too few groups' : formatStat(d.value)}</td>
                  <td className="table__number">{d.threshold === null || d.threshold === undefined ? '—' : formatStat(d.threshold)}</td>
                  <td>
                    {d.flagged ? (
                      <Badge tone="danger">Below the threshold</Badge>
                    ) : d.threshold === null || d.threshold === undefined ? (
                      <span className="muted">Reported, not judged</span>
                    ) : (
                      <Badge tone="success">Within</Badge>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </CardBody>
    </Card>
  );
}

/** The Fairness tab: per protected attribute, its groups' rates and the disparities, flagged ones first. */
export function FairnessPanel({ versionId }: { versionId: string }) {
  const [{ data, error }] = useQuery({ query: ModelVersionFairnessQuery, variables: { id: versionId } });
  const reports = data?.modelVersion?.fairness;
  if (!reports) {
    if (error) {
      return <LoadErrorAlert error={toAppError(error)} title="The fairness report could not be loaded" forbiddenTitle="You cannot view the fairness report" />;
    }
    return (
      <div className="models-loading">
        <Spinner size={20} label="Loading the fairness report" />
      </div>
    );
  }
  if (reports.length === 0) {
    return (
      <Card>
        <EmptyState
          icon={<ScaleIcon size={26} />}
          title="No fairness report"
          description="No protected attributes were named when this version was trained. Name them under “Protected attributes” in the training form to compare how the model treats each group on the holdout."
        />
      </Card>
    );
  }
  const ordered = [...reports].sort((a, b) => Number(b.flagged) - Number(a.flagged));
  const flagged = reports.filter((r) => r.flagged).length;
  return (
    <div className="stack">
      <p className="muted fairness-intro" data-testid="fairness-intro">
        {flagged > 0
          ? `${flagged} of ${reports.length} protected attribute${reports.length === 1 ? '' : 's'} flagged by the four-fifths rule. `
          : `No protected attribute is flagged by the four-fifths rule. `}
        Measured on the holdout. The rule screens, it does not prove: a flag says where to look, and no flag does not make the model fair.
      </p>
      {ordered.map((report) => (
        <AttributeCard key={report.attribute} report={report} />
      ))}
    </div>
  );
}
