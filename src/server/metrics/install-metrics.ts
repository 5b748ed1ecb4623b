/**
 * Prometheus metrics for one app: times every HTTP request and serves `GET /metrics`.
 * `/metrics` needs credentials like `/v1/*` when installAuth is installed, and refuses a persona-scoped token.
 *
 * Call it before registering other plugins: fastify copies the root's hooks into a plugin
 * when the plugin is registered, so requests to earlier plugins' routes would go untimed.
 */
import type { FastifyInstance } from 'fastify';
import { createPersonaMetrics, type PersonaMetrics } from './persona-metrics.js';

export function installMetrics(app: FastifyInstance): PersonaMetrics {
  const metrics = createPersonaMetrics();

  app.addHook('onResponse', async (request, reply) => {
    metrics.recordHttpRequest({
      method: request.method,
      // Unmatched URLs (404s, scanners) share one label instead of one series each.
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  });

  app.get('/metrics', async (request, reply) => {
    // The series cover every persona (sessions, turns, routes): a token scoped to one persona, as browsers get, must not read them.
    if (request.auth?.persona !== undefined) {
      return reply.code(403).send({ error: { code: 'forbidden', message: `/metrics covers every persona; these credentials are scoped to persona "${request.auth.persona}": use an API key (or an unscoped token)` } });
    }
    const { body, contentType } = await metrics.render();
    return reply.type(contentType).send(body);
  });

  app.addHook('onClose', async () => {
    metrics.registry.clear();
  });

  return metrics;
}
