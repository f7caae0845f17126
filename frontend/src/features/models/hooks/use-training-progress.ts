import { useEffect, useEffectEvent, useLayoutEffect, useRef } from 'react';
import { useSubscription } from 'urql';

import type {
  JobStatus,
  LeaderboardEntryFieldsFragment,
  TrainingProgressSubscription as TrainingProgressData,
} from '@/gql/graphql';
import { toAppError, type AppError } from '@/lib/errors';

import { TrainingProgressSubscription } from '../api/training';
import { isTerminal } from '../lib/models-format';

export type TrainingEvent = TrainingProgressData['trainingProgress'];

/** A job's live state, built from `trainingProgress` events. */
export type ProgressState = {
  jobId: string;
  /** The sequence of the last event applied; -1 until the first one arrives. */
  sequence: number;
  status: JobStatus;
  progress: number;
  message: string | null;
  error: string | null;
  leaderboard: readonly LeaderboardEntryFieldsFragment[];
  modelVersionId: string | null;
  occurredAt: string | null;
  /** A terminal status arrived: the stream is over and anything after it is ignored. */
  ended: boolean;
};

/** What the job query already knows, used until (and unless) events arrive. */
export type JobSnapshot = {
  id: string;
  status: JobStatus;
  progress: number;
  message?: string | null | undefined;
  error?: string | null | undefined;
  leaderboard: readonly LeaderboardEntryFieldsFragment[];
  modelVersion?: { id: string } | null | undefined;
};

export function initialProgress(job: JobSnapshot): ProgressState {
  return {
    jobId: job.id,
    sequence: -1,
    status: job.status,
    progress: job.progress,
    message: job.message ?? null,
    error: job.error ?? null,
    leaderboard: job.leaderboard,
    modelVersionId: job.modelVersion?.id ?? null,
    occurredAt: null,
    ended: isTerminal(job.status),
  };
}

/**
 * Applies one event. Events of another job, events at or below the last applied
 * sequence (late or repeated deliveries) and anything after a terminal status are
 * ignored, so the state only ever moves forward.
 */
export function applyTrainingEvent(state: ProgressState, event: TrainingEvent): ProgressState {
  if (event.jobId !== state.jobId || state.ended || event.sequence <= state.sequence) return state;
  return {
    jobId: state.jobId,
    sequence: event.sequence,
    status: event.status,
    progress: event.progress,
    message: event.message ?? null,
    error: event.error ?? null,
    // An event without a leaderboard (e.g. "queued") keeps the last one known.
    leaderboard: event.leaderboard.length > 0 ? event.leaderboard : state.leaderboard,
    modelVersionId: event.modelVersionId ?? state.modelVersionId,
    occurredAt: event.occurredAt,
    ended: isTerminal(event.status),
  };
}

export type TrainingProgress = {
  /** The job's state: live once events arrive, the snapshot before that and after the job ended. */
  state: ProgressState;
  /** True while events are being received for a job that has not ended. */
  live: boolean;
  /** The subscription failed (e.g. the socket was refused). */
  error: AppError | null;
  reconnect: () => void;
};

/**
 * Follows a job over the `trainingProgress` subscription (graphql-ws). The first event is
 * the job's current state; the server ends the stream after a terminal status, when
 * `onEnded` is called once (the page refetches the job then: leaderboard, metrics and the
 * model version are only in the job). A job that has already ended is not subscribed to.
 */
export function useTrainingProgress(job: JobSnapshot, onEnded: () => void): TrainingProgress {
  const terminal = isTerminal(job.status);
  // The subscription's reducer starts from the latest snapshot without resubscribing when it changes.
  const jobRef = useRef(job);
  useLayoutEffect(() => {
    jobRef.current = job;
  });
  const onJobEnded = useEffectEvent(onEnded);

  const [result, resubscribe] = useSubscription(
    { query: TrainingProgressSubscription, variables: { jobId: job.id }, pause: terminal },
    (previous: ProgressState | undefined, data: TrainingProgressData) =>
      applyTrainingEvent(
        previous && previous.jobId === data.trainingProgress.jobId ? previous : initialProgress(jobRef.current),
        data.trainingProgress,
      ),
  );

  const received = result.data && result.data.jobId === job.id && result.data.sequence >= 0 ? result.data : undefined;
  const ended = received?.ended ?? false;
  useEffect(() => {
    if (ended) onJobEnded();
  }, [ended]);

  // Once the job itself has ended (the refetch arrived), it is the whole truth.
  const state = received && !terminal ? received : initialProgress(job);
  const error = result.error && !terminal ? toAppError(result.error) : null;
  return {
    state,
    live: Boolean(received) && !state.ended && !error,
    error,
    reconnect: () => resubscribe(),
  };
}
