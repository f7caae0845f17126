import { describe, expect, it, vi } from 'vitest';

import { createEnv } from '@/config/env';
import { safeNextPath } from '@/config/paths';

import { createGraphqlFetch, graphqlWsUrl } from './api-client';
import { readCookie } from './csrf';
import { toAppError } from './errors';
import { formatRole } from './format';
import { ApiError } from './http';

describe('readCookie', () => {
  it('finds and decodes a cookie among others', () => {
    expect(readCookie('phantom_csrf', 'a=1; phantom_csrf=abc%3D%3D; b=2')).toBe('abc==');
    expect(readCookie('phantom_csrf', 'phantom_csrf_x=1')).toBeUndefined();
    expect(readCookie('missing', '')).toBeUndefined();
  });
});

describe('safeNextPath', () => {
  it('only allows same-app paths', () => {
    expect(safeNextPath('/models?tab=1')).toBe('/models?tab=1');
    expect(safeNextPath(null)).toBe('/executive');
    expect(safeNextPath('//evil.example')).toBe('/executive');
    expect(safeNextPath('/\\evil.example')).toBe('/executive');
    expect(safeNextPath('https://evil.example')).toBe('/executive');
    expect(safeNextPath('/login')).toBe('/executive');
  });
});

describe('graphqlWsUrl', () => {
  it('uses the page origin and wss on https', () => {
    expect(graphqlWsUrl({ protocol: 'https:', host: 'ml.bank.example' })).toBe('wss://ml.bank.example/graphql');
    expect(graphqlWsUrl({ protocol: 'http:', host: 'localhost:5173' })).toBe('ws://localhost:5173/graphql');
  });
});

describe('createGraphqlFetch', () => {
  it('turns a REST-shaped error into a GraphQL error with extensions.code', async () => {
    const base = vi.fn(() =>
      Promise.resolve(
        new Response(JSON.stringify({ error: { code: 'FORBIDDEN', message: 'CSRF token missing.' } }), {
          status: 403,
          headers: { 'Content-Type': 'application/json' },
        }),
      ),
    );
    const response = await createGraphqlFetch(base)('/graphql', { method: 'POST' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      data: null,
      errors: [{ message: 'CSRF token missing.', extensions: { code: 'FORBIDDEN' } }],
    });
  });

  it('passes GraphQL-shaped and successful responses through', async () => {
    const ok = new Response('{"data":{}}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    expect(await createGraphqlFetch(() => Promise.resolve(ok))('/graphql')).toBe(ok);
  });
});

describe('toAppError', () => {
  it('keeps code, message, request id and Retry-After from an ApiError', () => {
    const error = new ApiError({ message: 'Slow down', status: 429, code: 'RATE_LIMITED', retryAfterSeconds: 12 });
    expect(toAppError(error)).toMatchObject({ code: 'RATE_LIMITED', message: 'Slow down', retryAfterSeconds: 12 });
  });
});

describe('createEnv', () => {
  it('applies defaults and rejects bad values', () => {
    expect(createEnv({})).toEqual({
      NAME: 'Phantom ML Studio',
      GRAPHQL_PATH: '/graphql',
      AUTH_PATH: '/auth',
      CSRF_COOKIE: 'phantom_csrf',
    });
    expect(() => createEnv({ VITE_APP_GRAPHQL_PATH: 'https://elsewhere.example/graphql' })).toThrow(
      /VITE_APP_GRAPHQL_PATH/,
    );
  });
});

describe('formatRole', () => {
  it('reads like a sentence and keeps acronyms', () => {
    expect(formatRole('data_scientist')).toBe('Data scientist');
    expect(formatRole('ml_engineer')).toBe('ML engineer');
    expect(formatRole('sso_admin')).toBe('SSO admin');
    expect(formatRole('owner')).toBe('Owner');
  });
});
