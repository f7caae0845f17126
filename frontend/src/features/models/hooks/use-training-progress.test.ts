import { describe, expect, it } from 'vitest';

import { testLeaderboard, trainingEvent } from '@/testing/models-fixtures';

import { applyTrainingEvent, initialProgress, type ProgressState } from './use-training-progress';

const queued = initialProgress({ id: 'job_1', status: 'QUEUED', progress: 0, message: null, leaderboard: [] });

function apply(state: ProgressState, ...events: ReturnType<typeof trainingEvent>[]): ProgressState {
  return events.reduce(applyTrainingEvent, state);
}

describe('training progress reducer', () => {
  it('starts from the job as the query knows it', () => {
    expect(queued).toMatchObject({ jobId: 'job_1', sequence: -1, status: 'QUEUED', progress: 0, ended: false });
    expect(initialProgress({ id: 'job_2', status: 'FAILED', progress: 0.4, leaderboard: [] }).ended).toBe(true);
  });

  it('applies events in sequence order', () => {
    const state = apply(
      queued,
      trainingEvent({ sequence: 1, status: 'RUNNING', progress: 0.1, message: 'Preparing the data' }),
      trainingEvent({ sequence: 2, progress: 0.5, message: 'Trained LightGBM_BAG_L1 (roc_auc 0.897)', leaderboard: testLeaderboard.slice(1, 2) }),
    );
    expect(state).toMatchObject({
      sequence: 2,
      status: 'RUNNING',
      progress: 0.5,
      message: 'Trained LightGBM_BAG_L1 (roc_auc 0.897)',
      ended: false,
    });
    expect(state.leaderboard.map((entry) => entry.modelName)).toEqual(['LightGBM_BAG_L1']);
  });

  it('ignores late and repeated events', () => {
    const at3 = apply(queued, trainingEvent({ sequence: 3, progress: 0.6, message: 'third' }));
    expect(apply(at3, trainingEvent({ sequence: 2, progress: 0.4, message: 'late' }))).toBe(at3);
    expect(apply(at3, trainingEvent({ sequence: 3, progress: 0.61, message: 'again' }))).toBe(at3);
    expect(apply(at3, trainingEvent({ sequence: 5, progress: 0.7 })).progress).toBe(0.7);
  });

  it('ignores events of another job', () => {
    expect(apply(queued, trainingEvent({ jobId: 'job_other' }))).toBe(queued);
  });

  it('keeps the last leaderboard when an event carries none', () => {
    const state = apply(
      queued,
      trainingEvent({ sequence: 1, leaderboard: testLeaderboard }),
      trainingEvent({ sequence: 2, leaderboard: [] }),
    );
    expect(state.leaderboard).toBe(testLeaderboard);
  });

  it('ends at a terminal status and ignores anything after it', () => {
    const done = apply(
      queued,
      trainingEvent({ sequence: 1, progress: 0.5 }),
      trainingEvent({ sequence: 2, status: 'SUCCEEDED', progress: 1, message: 'Done', modelVersionId: 'mv_1' }),
    );
    expect(done).toMatchObject({ status: 'SUCCEEDED', progress: 1, modelVersionId: 'mv_1', ended: true });
    expect(apply(done, trainingEvent({ sequence: 3, status: 'RUNNING', progress: 0.2 }))).toBe(done);

    const failed = apply(queued, trainingEvent({ sequence: 1, status: 'FAILED', error: 'The worker was lost.' }));
    expect(failed).toMatchObject({ status: 'FAILED', error: 'The worker was lost.', ended: true });
  });
});
