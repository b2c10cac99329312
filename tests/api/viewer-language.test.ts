import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDITOR, request } from '../support/api-client.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

// `?lang=en` must reach the page that stores the choice, also through the redirects of `/`.
describe('language choice through redirects', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  it('carries lang to the sign-in page', async () => {
    const response = await fetch(`${server.baseUrl}/?lang=en`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') ?? '', server.baseUrl);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('lang')).toBe('en');
    expect(location.searchParams.get('next')).toBe('/?lang=en');

    const login = await fetch(location, { headers: { accept: 'text/html' } });
    expect(await login.text()).toContain('<html lang="en"');
    expect(login.headers.get('set-cookie')).toContain('lang=en');
  });

  it('carries lang to the home page', async () => {
    const home = await request(server.baseUrl, 'GET', '/?lang=en', { actor: AUDITOR, headers: { accept: 'text/html' } });
    expect(home.status).toBe(200);
    expect(home.text).toContain('<html lang="en"');
  });
});
