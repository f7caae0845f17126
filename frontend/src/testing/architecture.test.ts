import { describe, expect, it } from 'vitest';

/**
 * Keeps the bulletproof-react layering honest:
 *   app  →  features  →  components / lib / config / gql
 * Features never import each other; shared code never imports features or app.
 */
const sources = import.meta.glob<string>(['/src/**/*.{ts,tsx}', '!/src/gql/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? '');
}

function resolve(fromFile: string, specifier: string): string {
  if (specifier.startsWith('@/')) return `/src/${specifier.slice(2)}`;
  if (!specifier.startsWith('.')) return specifier; // package
  const parts = fromFile.split('/').slice(0, -1);
  for (const part of specifier.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}

const files = Object.entries(sources).filter(([path]) => !/\.test\.tsx?$/.test(path));

describe('architecture', () => {
  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('has no cross-feature imports', () => {
    const problems: string[] = [];
    for (const [path, source] of files) {
      const own = /^\/src\/features\/([^/]+)\//.exec(path)?.[1];
      if (!own) continue;
      for (const target of importsOf(source).map((s) => resolve(path, s))) {
        const other = /^\/src\/features\/([^/]+)/.exec(target)?.[1];
        if (other && other !== own) problems.push(`${path} → ${target}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps shared code independent of features and the app layer', () => {
    const problems: string[] = [];
    for (const [path, source] of files) {
      if (!/^\/src\/(components|lib|config)\//.test(path)) continue;
      for (const target of importsOf(source).map((s) => resolve(path, s))) {
        if (/^\/src\/(features|app)(\/|$)/.test(target)) problems.push(`${path} → ${target}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names TypeScript files in kebab-case', () => {
    const bad = Object.keys(sources).filter((path) => !/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)*\.tsx?$/.test(path.split('/').pop() ?? ''));
    expect(bad).toEqual([]);
  });
});
