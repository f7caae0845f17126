import { useEffect, useEffectEvent, useLayoutEffect, useRef } from 'react';
import { useSubscription } from 'urql';

import type { BatchPredictionProgressSubscription as ProgressData, JobStatus } from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';

import { BatchPredictionProgressSubscription } from '../api/batch';
import { isTerminal } from '../lib/models-format';

export type BatchEvent = ProgressData['batchPredictionProgress'];

/** A batch job's live state, built from `batchPredictionProgress` events. */
export type BatchProgressState = {
  jobId: string;
  /** The sequence of the last event applied; -1 until the first one arrives. */
  sequence: number;
  status: JobStatus;
  progress: number;
  rowsScored: number;
  rowsTotal: number | null;
  message: string | null;
  error: string | null;
  ended: boolean;
};

export type BatchSnapshot = {
  id: string;
  status: JobStatus;
  progress: number;
  rowsScored: number;
  rowsTotal?: number | null | undefined;
  message?: string | null | undefined;
  error?: string | null | undefined;
};

export function initialBatchProgress(job: BatchSnapshot): BatchProgressState {
  return {
    jobId: job.id,
    sequence: -1,
    status: job.status,
    progress: job.progress,
    rowsScored: job.rowsScored,
    rowsTotal: job.rowsTotal ?? null,
    message: job.message ?? null,
    error: job.error ?? null,
    ended: isTerminal(job.status),
  };
}

/** Applies one event; another job's, late or repeated ones, and anything after the end are ignored. */
export function applyBatchEvent(state: BatchProgressState, event: BatchEvent): BatchProgressState {
  if (event.jobId !== state.jobId || state.ended || event.sequence <= state.sequence) return state;
  return {
    jobId: state.jobId,
    sequence: event.sequence,
    status: event.status,
    progress: event.progress,
    rowsScored: event.rowsScored,
    rowsTotal: event.rowsTotal ?? state.rowsTotal,
    message: event.message ?? null,
    error: event.error ?? null,
    ended: isTerminal(event.status),
  };
}

export type BatchProgress = {
  state: BatchProgressState;
  live: boolean;
  error: AppError | null;
};

/**
 * Follows a batch job over `batchPredictionProgress` (one event per scored chunk); `onEnded` is
 * called once when the stream reports a terminal status (the page refetches its list then).
 */
export function useBatchProgress(job: BatchSnapshot, onEnded: () => void): BatchProgress {
  const terminal = isTerminal(job.status);
  const jobRef = useRef(job);
  useLayoutEffect(() => {
    jobRef.current = job;
  });
  const onJobEnded = useEffectEvent(onEnded);
  const [result] = useSubscription(
    { query: BatchPredictionProgressSubscription, variables: { jobId: job.id }, pause: terminal },
    (previous: BatchProgressState | undefined, data: ProgressData) =>
      applyBatchEvent(
        previous && previous.jobId === data.batchPredictionProgress.jobId ? previous : initialBatchProgress(jobRef.current),
        data.batchPredictionProgress,
      ),
  );
  const received = result.data && result.data.jobId === job.id && result.data.sequence >= 0 ? result.data : undefined;
  const ended = received?.ended ?? false;
  useEffect(() => {
    if (ended) onJobEnded();
  }, [ended]);
  const state = received && !terminal ? received : initialBatchProgress(job);
  const error = result.error && !terminal ? toAppError(result.error) : null;
  return { state, live: Boolean(received) && !state.ended && !error, error };
}
