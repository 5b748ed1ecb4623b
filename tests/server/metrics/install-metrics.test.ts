import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { installAuth } from '../../../src/server/auth/install-auth.js';
import { installMetrics } from '../../../src/server/metrics/install-metrics.js';
import type { PersonaMetrics } from '../../../src/server/metrics/persona-metrics.js';
import { createApiKey } from '../../../src/store/api-key-repository.js';
import { openStore } from '../../../src/store/store.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';
import { testConfig } from '../../helpers/test-config.js';

async function startApp(context: TestContext): Promise<{ app: FastifyInstance; metrics: PersonaMetrics }> {
  const app = Fastify();
  const metrics = installMetrics(app);
  app.get('/v1/personas/:id', async () => ({ ok: true }));
  app.get('/v1/broken', async () => {
    throw new Error('boom');
  });
  await app.ready();
  context.after(() => app.close());
  return { app, metrics };
}

async function scrape(app: FastifyInstance, headers: Record<string, string> = {}): Promise<string> {
  const response = await app.inject({ url: '/metrics', headers });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return response.body;
}

/** The value of one sample line, e.g. `persona_turns_total{outcome="completed"}`. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('/metrics exposes the service metrics and the process defaults', async (context) => {
  const { app, metrics } = await startApp(context);
  metrics.sessionOpened();
  metrics.sessionOpened();
  metrics.sessionClosed();
  metrics.recordTurn({ outcome: 'completed', stageMilliseconds: { stt: 180, retrieval: 40, first_token: 350, first_sentence: 700, first_audio: 900 } });
  metrics.recordTurn({ outcome: 'interrupted', stageMilliseconds: { stt: 200 } });
  metrics.recordTurn({ outcome: 'failed', stageMilliseconds: { retrieval: Number.NaN, first_token: -1 } });
  metrics.ttsFallback();

  const body = await scrape(app);
  for (const name of ['persona_http_request_duration_seconds', 'persona_talk_sessions', 'persona_turns_total', 'persona_turn_stage_seconds', 'persona_tts_fallbacks_total', 'process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds']) {
    assert.match(body, new RegExp(`^# TYPE ${name} `, 'm'), name);
  }
  assert.equal(sample(body, 'persona_talk_sessions'), 1);
  assert.equal(sample(body, 'persona_turns_total{outcome="completed"}'), 1);
  assert.equal(sample(body, 'persona_turns_total{outcome="interrupted"}'), 1);
  assert.equal(sample(body, 'persona_turns_total{outcome="failed"}'), 1);
  assert.equal(sample(body, 'persona_turn_stage_seconds_count{stage="stt"}'), 2);
  assert.equal(sample(body, 'persona_turn_stage_seconds_sum{stage="stt"}'), 0.38);
  assert.equal(sample(body, 'persona_turn_stage_seconds_bucket{le="0.2",stage="stt"}'), 2);
  assert.equal(sample(body, 'persona_turn_stage_seconds_bucket{le="0.1",stage="stt"}'), 0);
  // Impossible times are left out rather than recorded or thrown.
  assert.equal(sample(body, 'persona_turn_stage_seconds_count{stage="retrieval"}'), 1);
  assert.equal(sample(body, 'persona_turn_stage_seconds_count{stage="first_token"}'), 1);
  assert.equal(sample(body, 'persona_turn_stage_seconds_count{stage="first_audio"}'), 1);
  assert.equal(sample(body, 'persona_tts_fallbacks_total'), 1);
});

test('HTTP requests are timed by route pattern and status, unmatched URLs share one label', async (context) => {
  const { app } = await startApp(context);
  for (const id of ['meera', 'arjun', 'lakshmi']) assert.equal((await app.inject({ url: `/v1/personas/${id}` })).statusCode, 200);
  assert.equal((await app.inject({ url: '/v1/broken' })).statusCode, 500);
  for (const url of ['/wp-admin', '/.env']) assert.equal((await app.inject({ url })).statusCode, 404);

  const body = await scrape(app);
  assert.equal(sample(body, 'persona_http_request_duration_seconds_count{method="GET",route="/v1/personas/:id",status="200"}'), 3);
  assert.equal(sample(body, 'persona_http_request_duration_seconds_count{method="GET",route="/v1/broken",status="500"}'), 1);
  assert.equal(sample(body, 'persona_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}'), 2);
  assert.doesNotMatch(body, /meera|wp-admin/);
});

test('two apps in one process keep separate counts', async (context) => {
  const first = await startApp(context);
  const second = await startApp(context);
  first.metrics.ttsFallback();
  first.metrics.ttsFallback();
  second.metrics.ttsFallback();
  assert.equal(sample(await scrape(first.app), 'persona_tts_fallbacks_total'), 2);
  assert.equal(sample(await scrape(second.app), 'persona_tts_fallbacks_total'), 1);
});

test('with auth installed, /metrics needs credentials', async (context) => {
  const home = temporaryFolder(context);
  const store = openStore(testConfig(home, { PERSONA_ENCRYPT: 'false' }));
  const app = Fastify();
  installAuth(app, { store, home });
  installMetrics(app);
  context.after(async () => {
    await app.close();
    store.close();
  });
  assert.equal((await app.inject({ url: '/metrics' })).statusCode, 401);
  const { key } = createApiKey(store.database);
  const body = await scrape(app, { authorization: `Bearer ${key}` });
  assert.equal(sample(body, 'persona_http_request_duration_seconds_count{method="GET",route="/metrics",status="401"}'), 1);
});
