import { describe, expect, it } from 'vitest';

import { applyBatchEvent, initialBatchProgress, type BatchEvent } from './use-batch-progress';

const queued = initialBatchProgress({ id: 'bp_1', status: 'QUEUED', progress: 0, rowsScored: 0, rowsTotal: 2000 });

function event(overrides: Partial<BatchEvent> = {}): BatchEvent {
  return {
    jobId: 'bp_1',
    sequence: 1,
    status: 'RUNNING',
    progress: 0.25,
    rowsScored: 500,
    rowsTotal: 2000,
    message: 'Scored 500 of 2,000 rows',
    error: null,
    occurredAt: '2026-12-06T08:00:00Z',
    ...overrides,
  };
}

describe('batch progress reducer', () => {
  it('applies chunk events in order and ends at a terminal status', () => {
    const state = [event(), event({ sequence: 2, progress: 0.5, rowsScored: 1000 })].reduce(applyBatchEvent, queued);
    expect(state).toMatchObject({ sequence: 2, status: 'RUNNING', rowsScored: 1000, rowsTotal: 2000, ended: false });
    const done = applyBatchEvent(state, event({ sequence: 3, status: 'SUCCEEDED', progress: 1, rowsScored: 2000 }));
    expect(done.ended).toBe(true);
    expect(applyBatchEvent(done, event({ sequence: 4, status: 'RUNNING' }))).toBe(done);
  });

  it('ignores late, repeated and foreign events', () => {
    const at3 = applyBatchEvent(queued, event({ sequence: 3, rowsScored: 1500 }));
    expect(applyBatchEvent(at3, event({ sequence: 2 }))).toBe(at3);
    expect(applyBatchEvent(at3, event({ sequence: 3, rowsScored: 1 }))).toBe(at3);
    expect(applyBatchEvent(at3, event({ jobId: 'bp_other', sequence: 9 }))).toBe(at3);
  });

  it('starts ended for a job that has already ended', () => {
    expect(initialBatchProgress({ id: 'bp_2', status: 'FAILED', progress: 0.5, rowsScored: 10 }).ended).toBe(true);
  });
});
