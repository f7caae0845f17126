import type { PromotionRequestFieldsFragment } from '@/gql/graphql';

/** The model report the request cites (the newest when it was made): what the approver reads. */
export function ReportSeen({ request }: { request: PromotionRequestFieldsFragment }) {
  if (!request.reportId || !request.reportSha256) {
    return <p className="approval-history__decision">No model report had been generated when this was asked.</p>;
  }
  const href = `/api/v1/model-versions/${encodeURIComponent(request.modelVersionId)}/report.pdf?id=${encodeURIComponent(request.reportId)}`;
  return (
    <p className="approval-history__decision">
      Model report:{' '}
      <a href={href} download>
        PDF
      </a>{' '}
      <code title={request.reportSha256}>sha256 {request.reportSha256.slice(0, 12)}…</code>
    </p>
  );
}
