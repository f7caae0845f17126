import { describe, expect, it } from 'vitest';

import { formatBytes, formatPercent, formatStat } from '@/lib/format';

import { formatDateBound, nameFromFile, precheckFile } from './dataset-format';

describe('dataset formatting', () => {
  it('writes sizes in familiar units', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(977_501)).toBe('955 KB');
    expect(formatBytes(312_456_789)).toBe('298 MB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
  });

  it('keeps statistics readable', () => {
    expect(formatStat(null)).toBe('—');
    expect(formatStat(72)).toBe('72');
    expect(formatStat(32.3712)).toBe('32.37');
    expect(formatStat(0.000012)).toBe('1.20e-5');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.04)).toBe('<0.1%');
    expect(formatPercent(35.65)).toBe('36%');
    expect(formatPercent(5.85)).toBe('5.9%');
  });

  it('names a dataset after its file and checks the obvious', () => {
    expect(nameFromFile('loans 2024.final.csv')).toBe('loans 2024.final');
    expect(nameFromFile('.hidden')).toBe('.hidden');
    expect(precheckFile(new File(['a'], 'x.PARQUET'))).toBeNull();
    expect(precheckFile(new File([], 'x.csv'))).toBe('x.csv is empty.');
    expect(precheckFile(new File(['a'], 'x.xlsx'))).toMatch(/not a supported file/);
  });

  it('shows a date without a time of day as a date', () => {
    expect(formatDateBound('2024-01-01T00:00:00')).not.toMatch(/:/);
    expect(formatDateBound('2024-01-01T13:45:00Z')).toMatch(/:/);
    expect(formatDateBound(null)).toBe('—');
  });
});
