import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';

import { ErrorMessage } from '@/components/errors/error-message';
import { LoadErrorAlert } from '@/components/errors/load-error-alert';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { DownloadIcon, EditIcon, FileTextIcon } from '@/components/ui/icons';
import { RelativeTime } from '@/components/ui/relative-time';
import { Spinner } from '@/components/ui/spinner';
import type { ModelReportFieldsFragment, ModelVersionDocumentationQuery } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import { usePermissions } from '@/lib/permissions';

import {
  GenerateModelReportMutation,
  ModelVersionDocumentationQuery as DocumentationQuery,
  REPORTS_CONTEXT,
  SetModelDocumentationMutation,
} from '../../api/governance';

import './governance.css';

type Documented = NonNullable<ModelVersionDocumentationQuery['modelVersion']>;

const LIMITS = { intendedUse: 5000, owner: 200, limitations: 5000 } as const;

function DocumentationForm({ version, canEdit }: { version: Documented; canEdit: boolean }) {
  const id = useId();
  const [intendedUse, setIntendedUse] = useState(version.intendedUse ?? '');
  const [owner, setOwner] = useState(version.owner ?? '');
  const [limitations, setLimitations] = useState(version.limitations ?? '');
  const [failure, setFailure] = useState<AppError | null>(null);
  const [saved, setSaved] = useState(false);
  const [{ fetching }, save] = useMutation(SetModelDocumentationMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    setSaved(false);
    // an empty string clears a field on the server; null would leave it as it was
    const result = await save(
      { input: { modelVersionId: version.id, intendedUse: intendedUse.trim(), owner: owner.trim(), limitations: limitations.trim() } },
      REPORTS_CONTEXT,
    );
    if (result.error) return setFailure(toAppError(result.error));
    setSaved(true);
  };

  const area = (key: 'intendedUse' | 'limitations', label: string, value: string, set: (v: string) => void, hint: string) => (
    <div className="field">
      <div className="field__label-row">
        <label className="field__label" htmlFor={`${id}-${key}`}>
          {label}
        </label>
      </div>
      <textarea
        id={`${id}-${key}`}
        className="textarea"
        rows={4}
        maxLength={LIMITS[key]}
        value={value}
        disabled={!canEdit}
        aria-describedby={`${id}-${key}-hint`}
        onChange={(event) => {
          set(event.target.value);
          setSaved(false);
        }}
      />
      <p className="field__hint" id={`${id}-${key}-hint`}>
        {hint}
      </p>
    </div>
  );

  return (
    <form className="stack" onSubmit={(event) => void submit(event)} noValidate aria-label="Model documentation">
      {area(
        'intendedUse',
        'Intended use',
        intendedUse,
        setIntendedUse,
        'What decisions the model supports, for whom, and what it must not be used for.',
      )}
      <Field
        label="Owner"
        value={owner}
        maxLength={LIMITS.owner}
        disabled={!canEdit}
        placeholder="e.g. Credit risk modelling team"
        hint="The person or team answerable for this model."
        onChange={(event) => {
          setOwner(event.target.value);
          setSaved(false);
        }}
      />
      {area(
        'limitations',
        'Limitations',
        limitations,
        setLimitations,
        'Known weaknesses: populations it was not trained on, inputs it handles badly, assumptions.',
      )}
      {canEdit ? (
        <div>
          <Button type="submit" loading={fetching} icon={<EditIcon size={14} />}>
            Save documentation
          </Button>
        </div>
      ) : (
        <p className="muted">Editing the documentation needs the models:promote permission.</p>
      )}
      {saved ? (
        <Alert tone="success" role="status" title="Documentation saved">
          The next report you generate includes it.
        </Alert>
      ) : null}
      {failure ? (
        <Alert tone="danger" role="alert" title="The documentation was not saved">
          <ErrorMessage error={failure} />
        </Alert>
      ) : null}
    </form>
  );
}

function ReportRow({ report, latest }: { report: ModelReportFieldsFragment; latest: boolean }) {
  return (
    <li className="report-item" data-testid="report-item">
      <div className="report-item__head">
        <strong>{latest ? 'Latest report' : 'Report'}</strong>
        <span className="muted">
          generated <RelativeTime value={report.generatedAt} />
          {report.generatedBy ? ` by ${report.generatedBy}` : ''} · {formatBytes(report.bytes)}
        </span>
        <span className="report-item__links">
          <a className="btn btn--secondary btn--sm" href={report.pdfUrl} download data-testid="download-pdf">
            <DownloadIcon size={14} />
            PDF
          </a>
          <a className="btn btn--ghost btn--sm" href={report.htmlUrl} download data-testid="download-html">
            <DownloadIcon size={14} />
            HTML
          </a>
        </span>
      </div>
      <dl className="report-item__hashes">
        <dt>PDF SHA-256</dt>
        <dd>
          <code data-testid="pdf-sha256">{report.pdfSha256}</code>
        </dd>
        <dt>HTML SHA-256</dt>
        <dd>
          <code>{report.htmlSha256}</code>
        </dd>
      </dl>
    </li>
  );
}

function ReportsCard({ version, canGenerate }: { version: Documented; canGenerate: boolean }) {
  const [{ fetching }, generate] = useMutation(GenerateModelReportMutation);
  const [failure, setFailure] = useState<AppError | null>(null);
  const reports = version.reports;
  const onGenerate = async () => {
    setFailure(null);
    const result = await generate({ modelVersionId: version.id }, REPORTS_CONTEXT);
    if (result.error) setFailure(toAppError(result.error));
  };
  return (
    <Card aria-labelledby="reports-title">
      <CardHeader
        id="reports-title"
        icon={<FileTextIcon size={18} />}
        title="Model reports"
        description="The model-risk file: documentation, data lineage, reproducibility, metrics with intervals, explanations, fairness and approvals, as PDF and HTML. Each file's SHA-256 is recorded in the audit log when it is generated."
        actions={
          canGenerate ? (
            <Button onClick={() => void onGenerate()} loading={fetching}>
              Generate report
            </Button>
          ) : null
        }
      />
      <CardBody className="stack">
        {fetching ? (
          <p className="muted" role="status">
            Rendering the report (HTML and PDF)…
          </p>
        ) : null}
        {failure ? (
          <Alert tone="danger" role="alert" title="The report was not generated">
            <ErrorMessage error={failure} />
          </Alert>
        ) : null}
        {reports.length === 0 ? (
          <p className="muted">
            No report yet.{' '}
            {canGenerate ? 'Generate one to attach it to a promotion request.' : 'Someone who may promote models can generate one.'}
          </p>
        ) : (
          <ol className="report-list" aria-label="Generated reports">
            {reports.map((report, index) => (
              <ReportRow key={report.id} report={report} latest={index === 0} />
            ))}
          </ol>
        )}
        <p className="field__hint">
          Check a downloaded file: <code>phantom audit verify-report &lt;file&gt; --tenant &lt;organization&gt;</code> says whether
          it is exactly the one issued.
        </p>
      </CardBody>
    </Card>
  );
}

/** The Documentation tab: intended use, owner, limitations; reports generated, downloadable, with their SHA-256. */
export function DocumentationPanel({ versionId }: { versionId: string }) {
  const permissions = usePermissions();
  const canEdit = permissions.has('models:promote');
  const [{ data, error }] = useQuery({ query: DocumentationQuery, variables: { id: versionId }, context: REPORTS_CONTEXT });
  const version = data?.modelVersion;
  if (!version) {
    if (error) {
      return (
        <LoadErrorAlert
          error={toAppError(error)}
          title="The documentation could not be loaded"
          forbiddenTitle="You cannot view the documentation"
        />
      );
    }
    return (
      <div className="models-loading">
        <Spinner size={20} label="Loading the documentation" />
      </div>
    );
  }
  return (
    <div className="stack">
      <Card aria-labelledby="documentation-title">
        <CardHeader
          id="documentation-title"
          icon={<EditIcon size={18} />}
          title="Documentation"
          description="What the model is for, who answers for it, and where it falls short. It appears in every report."
        />
        <CardBody>
          <DocumentationForm key={version.id} version={version} canEdit={canEdit} />
        </CardBody>
      </Card>
      <ReportsCard version={version} canGenerate={canEdit} />
    </div>
  );
}
