// Pure helpers the SVG charts share.

/** Cuts a label to fit a chart's gutter; the full text stays in the bar's tooltip and the data table. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Rounds a maximum up to a tidy axis value: 873 → 1,000; 0.42 → 0.5. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const exponent = Math.floor(Math.log10(value));
  const base = 10 ** exponent;
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * base >= value) ?? 10;
  return step * base;
}
