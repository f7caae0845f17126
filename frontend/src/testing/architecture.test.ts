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

const styles = import.meta.glob<string>('/src/**/*.css', { query: '?raw', import: 'default', eager: true });

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

/** Where each shared piece lives; a second definition anywhere else is a copy to remove. */
const FACTS = '/src/components/ui/facts.tsx';
const PAGED_TABLE = '/src/components/ui/paged-table.tsx';
const UI_STYLES = '/src/components/ui/ui.css';

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

  it('keeps hooks and helpers out of components/ folders', () => {
    // A components/ folder holds .tsx components only: hooks go to hooks/, helpers to lib/.
    const bad = Object.keys(sources).filter((path) => /\/components\/(.+\/)?[^/]+\.ts$/.test(path));
    expect(bad).toEqual([]);
  });

  it('defines Fact and the paged table once, in components/ui', () => {
    const problems: string[] = [];
    for (const [path, source] of files) {
      if (path !== FACTS && /\b(function|const|let|class)\s+Facts?\b|className="facts?"/.test(source)) {
        problems.push(`${path}: a Fact or facts list (use ${FACTS})`);
      }
      if (path !== PAGED_TABLE && /\b(function|const|let|class)\s+PagedTable\b|>\s*Load more\s*<|\.pages\.map\(/.test(source)) {
        problems.push(`${path}: a paged table (use ${PAGED_TABLE})`);
      }
    }
    for (const [path, css] of Object.entries(styles)) {
      const rules = css.replace(/\/\*[\s\S]*?\*\//g, ''); // comments may name them
      if (path !== UI_STYLES && /(^|[\s,}])\.(facts?|fact__[\w-]+|table|table-scroll|table__[\w-]+|paged-table[\w-]*)\b(?!-)/m.test(rules)) {
        problems.push(`${path}: styles of Fact or the paged table (they live in ${UI_STYLES})`);
      }
    }
    expect(problems).toEqual([]);
  });
});
