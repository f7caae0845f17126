import { print } from 'graphql';

import { env } from '@/config/env';
import type { DatasetSummaryFieldsFragment } from '@/gql/graphql';
import { csrfHeaders } from '@/lib/csrf';
import type { AppError } from '@/lib/errors';
import { NETWORK_ERROR_MESSAGE } from '@/lib/http';

import { UploadDatasetMutation } from './datasets';

export type UploadProgress = { loaded: number; total: number };

export type UploadResult = { ok: true; dataset: DatasetSummaryFieldsFragment } | { ok: false; error: AppError };

export type UploadHandle = {
  /** Settles once: the dataset, or an error to show (never rejects). */
  result: Promise<UploadResult>;
  abort: () => void;
};

const UNEXPECTED = 'The server sent an unexpected response. Please try again.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** Reads a GraphQL response, or the REST error shape a middleware (CSRF, size limit, rate limit) answers with. */
export function interpretUploadResponse(status: number, text: string, requestIdHeader: string | null): UploadResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }

  if (isRecord(body) && Array.isArray(body.errors) && body.errors.length > 0) {
    const first: unknown = body.errors[0];
    const extensions = isRecord(first) && isRecord(first.extensions) ? first.extensions : {};
    return {
      ok: false,
      error: {
        code: stringOf(extensions.code) ?? 'INTERNAL',
        message: (isRecord(first) ? stringOf(first.message) : undefined) ?? UNEXPECTED,
        requestId: stringOf(extensions.requestId),
      },
    };
  }
  if (isRecord(body) && isRecord(body.error)) {
    const code = status === 429 ? 'RATE_LIMITED' : (stringOf(body.error.code) ?? (status >= 500 ? 'INTERNAL' : 'UNKNOWN'));
    return {
      ok: false,
      error: {
        code,
        message: stringOf(body.error.message) ?? `The request failed (HTTP ${status}).`,
        requestId: stringOf(body.error.requestId) ?? (status >= 500 ? (requestIdHeader ?? undefined) : undefined),
      },
    };
  }
  if (status === 413) {
    return { ok: false, error: { code: 'BAD_USER_INPUT', message: 'The file is larger than the server accepts.' } };
  }
  const dataset = isRecord(body) && isRecord(body.data) ? body.data.uploadDataset : undefined;
  if (status >= 200 && status < 300 && isRecord(dataset) && typeof dataset.id === 'string') {
    return { ok: true, dataset: dataset as DatasetSummaryFieldsFragment };
  }
  if (status >= 500) {
    return {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: `The server could not complete the request (HTTP ${status}). Please try again.`,
        requestId: requestIdHeader ?? undefined,
      },
    };
  }
  return { ok: false, error: { code: 'INTERNAL', message: UNEXPECTED } };
}

/**
 * Uploads a file as a GraphQL multipart request (operations / map / 0), over
 * XMLHttpRequest because fetch reports no upload progress. Same-origin, so the
 * session cookie goes along; the CSRF header and `Apollo-Require-Preflight`
 * (which a cross-site form cannot send) are added.
 */
export function uploadDataset(
  { name, file }: { name: string; file: File },
  onProgress: (progress: UploadProgress) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({ query: print(UploadDatasetMutation), operationName: 'UploadDataset', variables: { name, file: null } }),
  );
  form.append('map', JSON.stringify({ '0': ['variables.file'] }));
  form.append('0', file, file.name);

  const result = new Promise<UploadResult>((resolve) => {
    xhr.upload.addEventListener('progress', (event) => {
      onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    });
    xhr.addEventListener('load', () =>
      resolve(interpretUploadResponse(xhr.status, xhr.responseText, xhr.getResponseHeader('X-Request-ID'))),
    );
    xhr.addEventListener('error', () => resolve({ ok: false, error: { code: 'NETWORK', message: NETWORK_ERROR_MESSAGE } }));
    xhr.addEventListener('abort', () =>
      resolve({ ok: false, error: { code: 'ABORTED', message: 'The upload was cancelled.' } }),
    );
  });

  xhr.open('POST', env.GRAPHQL_PATH);
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.setRequestHeader('Apollo-Require-Preflight', 'true');
  for (const [header, value] of Object.entries(csrfHeaders())) xhr.setRequestHeader(header, value);
  xhr.send(form);

  return { result, abort: () => xhr.abort() };
}
