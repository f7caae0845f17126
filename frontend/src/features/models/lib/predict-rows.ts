import type { ColumnType } from '@/gql/graphql';

export type FeatureInput = { name: string; type: ColumnType };
export type Row = Record<string, unknown>;

export type FormRowResult = { ok: true; row: Row } | { ok: false; errors: Record<string, string> };

/**
 * One row from the form: a NUMERIC feature is sent as a number, anything else as the
 * text typed; an empty input is sent as null (a missing value, which the model handles).
 */
export function rowFromForm(features: readonly FeatureInput[], values: Readonly<Record<string, string>>): FormRowResult {
  const row: Row = {};
  const errors: Record<string, string> = {};
  for (const feature of features) {
    const raw = values[feature.name] ?? '';
    const text = feature.type === 'NUMERIC' ? raw.trim() : raw;
    if (text === '') {
      row[feature.name] = null;
    } else if (feature.type === 'NUMERIC') {
      const number = Number(text);
      if (Number.isFinite(number)) row[feature.name] = number;
      else errors[feature.name] = 'Enter a number, or leave it empty for a missing value.';
    } else {
      row[feature.name] = text;
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, row };
}

/** A row with every feature missing: the starting point of the JSON editor. */
export function templateRow(features: readonly FeatureInput[]): Row {
  return Object.fromEntries(features.map((feature) => [feature.name, null]));
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type JsonRowsResult = { ok: true; rows: Row[] } | { ok: false; error: string };

/** Reads the JSON editor: an array of row objects, a single row, or the REST body `{"rows": [...]}`. */
export function parseJsonRows(text: string): JsonRowsResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `This is not valid JSON: ${error instanceof Error ? error.message : 'it could not be read'}.` };
  }
  if (isRow(value) && Array.isArray(value.rows)) value = value.rows;
  const rows = Array.isArray(value) ? value : [value];
  if (rows.length === 0) return { ok: false, error: 'Give at least one row.' };
  const bad = rows.findIndex((row) => !isRow(row));
  if (bad >= 0) return { ok: false, error: `Row ${bad + 1} is not an object of feature names and values.` };
  return { ok: true, rows: rows as Row[] };
}

export type ClassProbability = { label: string; probability: number };
export type RowPrediction = {
  prediction: unknown;
  /** Classifiers: one entry per class, in the model's class order. */
  probabilities: ClassProbability[] | null;
  /** Anomaly detection: the row's anomaly score. */
  score: number | null;
};

function toNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function asList(value: unknown): unknown[] | null {
  if (value === null || value === undefined) return null;
  return Array.isArray(value) ? (value as unknown[]) : [value];
}

function probabilitiesOf(value: unknown, classes: readonly string[] | null | undefined): ClassProbability[] | null {
  if (Array.isArray(value)) {
    return value.flatMap((probability, index) => {
      const number = toNumber(probability);
      return number === null ? [] : [{ label: classes?.[index] ?? `Class ${index + 1}`, probability: number }];
    });
  }
  if (isRow(value)) {
    const entries = Object.entries(value).flatMap(([label, probability]) => {
      const number = toNumber(probability);
      return number === null ? [] : [{ label, probability: number }];
    });
    const order = classes ?? [];
    return entries.sort((a, b) => {
      const ia = order.indexOf(a.label);
      const ib = order.indexOf(b.label);
      return (ia < 0 ? Number.MAX_SAFE_INTEGER : ia) - (ib < 0 ? Number.MAX_SAFE_INTEGER : ib);
    });
  }
  return null;
}

/**
 * Reads `predict`'s JSON fields row by row: `predictions` (one value per row),
 * `probabilities` (per row either one number per class, in `classes` order, or an object
 * class → probability) and `scores` (one anomaly score per row).
 */
export function interpretPrediction(
  result: { predictions: unknown; probabilities?: unknown; scores?: unknown },
  classes: readonly string[] | null | undefined,
): RowPrediction[] {
  const predictions = asList(result.predictions) ?? [];
  const probabilities = asList(result.probabilities);
  const scores = asList(result.scores);
  const count = Math.max(predictions.length, probabilities?.length ?? 0, scores?.length ?? 0);
  return Array.from({ length: count }, (_, index) => ({
    prediction: predictions[index] ?? null,
    probabilities: probabilities ? probabilitiesOf(probabilities[index], classes) : null,
    score: scores ? toNumber(scores[index]) : null,
  }));
}

/** A predicted value as text ("Yes", "12.5", "true"). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Quotes text for a POSIX shell (single quotes; an inner ' becomes '\''). */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The REST call that does the same as the Try it panel, for a terminal. */
export function curlExample(origin: string, modelVersionId: string, rows: readonly Row[], explain = false): string {
  const url = `${origin}/api/v1/models/${encodeURIComponent(modelVersionId)}/predict${explain ? '?explain=true' : ''}`;
  return [
    `curl -X POST ${shellQuote(url)} \\`,
    `  -H 'Authorization: Bearer <token>' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(JSON.stringify({ rows }))}`,
  ].join('\n');
}
