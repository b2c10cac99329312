import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDITOR, DECEMBER_BACK_PAYMENT, EMPLOYER, HR, request, tokenFor } from '../support/api-client.js';
import { testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { readAllTables } from './database-state.js';

const KIB = 1024;

describe.each(testDialects())('request limits on %s', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ dialect, access: { writeRateLimit: { limit: 3, windowMs: 60_000 } } });
    for (const actor of [EMPLOYER, HR, AUDITOR]) await tokenFor(server.baseUrl, actor);
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  /** Builds a case-opening body padded with a long, unknown field to the given size in bytes. */
  const paddedBody = (bytes: number): string => {
    const body = JSON.stringify({ ...DECEMBER_BACK_PAYMENT, padding: '' });
    return body.replace('"padding":""', `"padding":"${'x'.repeat(bytes - Buffer.byteLength(body))}"`);
  };

  it('body over 64 KiB is 413', async () => {
    const before = await readAllTables(server.connection);
    const response = await request(server.baseUrl, 'POST', '/api/cases', {
      actor: AUDITOR,
      rawBody: paddedBody(64 * KIB + 1),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('BODY_TOO_LARGE');
    expect(response.body.error.message.zh).toContain('64 KiB');
    expect(response.body.error.message.en).toContain('64 KiB');
    expect(await readAllTables(server.connection)).toEqual(before);
  });

  it('streamed body over 64 KiB is 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(16 * KIB));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 5) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${server.baseUrl}/api/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(server.baseUrl, EMPLOYER)}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE');
  });

  it('body at the limit is read', async () => {
    const response = await request(server.baseUrl, 'POST', '/api/cases', {
      actor: HR,
      rawBody: paddedBody(64 * KIB),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('MALFORMED_REQUEST');
  });

  it('checkpoint upload may be larger', async () => {
    const response = await request(server.baseUrl, 'POST', '/api/audit/checkpoints/verify', {
      actor: AUDITOR,
      json: { format: 'not-a-checkpoint', padding: 'x'.repeat(200 * KIB) },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('MALFORMED_REQUEST');
  });

  it('writes over the per-token limit are 429', async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const response = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
      expect(response.status, `write ${attempt}`).toBe(201);
    }
    const before = await readAllTables(server.connection);
    const limited = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('WRITE_RATE_LIMITED');
    expect(limited.body.error.message.zh).toContain('Retry-After');
    expect(limited.body.error.message.en).toContain('Retry-After');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await readAllTables(server.connection)).toEqual(before);

    // Reads are not counted, and another token has its own count.
    expect((await request(server.baseUrl, 'GET', '/api/cases', { actor: EMPLOYER })).status).toBe(200);
    const other = await request(server.baseUrl, 'POST', '/api/cases', { actor: HR, json: DECEMBER_BACK_PAYMENT });
    expect(other.status).not.toBe(429);
  });
});
