/**
 * What a client can browse before it talks: `GET /v1/personas`, `GET /v1/conversations
 * ?persona=ID&limit=N` (latest first) and `GET /v1/conversations/:id` with its turns. A
 * session token scoped to a persona sees only that persona and its conversations.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findConversation, listConversations, summarisePersonas } from '../../store/conversation-listing.js';
import type { SqliteDatabase } from '../../store/open-database.js';
import { findPersona } from '../../store/persona-repository.js';
import { personaAllowed } from '../auth/request-auth.js';
import { parseBody } from '../parse-body.js';
import { HttpError, requestPersona } from '../request-persona.js';

export interface PersonaRoutesOptions {
  database: SqliteDatabase;
  /** The persona a request acts on when it names none and its token is not scoped (the configured default). */
  defaultPersona: string;
}

export const defaultConversationLimit = 20;
export const maximumConversationLimit = 100;

// Not strict: browsers put their credentials in the query (`?token=`), next to these.
const conversationsQuerySchema = z.object({
  persona: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'a persona id: letters, digits, "-" and "_" only')
    .optional(),
  limit: z.coerce
    .number()
    .int('a whole number')
    .min(1, 'at least 1')
    .max(maximumConversationLimit, `at most ${maximumConversationLimit}`)
    .default(defaultConversationLimit),
});

export function registerPersonaRoutes(app: FastifyInstance, options: PersonaRoutesOptions): void {
  const { database } = options;

  app.get('/v1/personas', async (request) => {
    const scope = request.auth?.persona;
    return { personas: summarisePersonas(database, scope === undefined ? {} : { only: scope }) };
  });

  app.get('/v1/conversations', async (request) => {
    const query = parseBody(conversationsQuerySchema, request.query, 'conversation listing query');
    const persona = requestPersona(request, query.persona, options.defaultPersona);
    if (!findPersona(database, persona)) {
      throw new HttpError(404, 'not-found', `persona "${persona}" does not exist in this store (see GET /v1/personas)`);
    }
    return { conversations: listConversations(database, persona, { limit: query.limit }) };
  });

  app.get<{ Params: { id: string } }>('/v1/conversations/:id', async (request) => {
    const { id } = request.params;
    const conversation = findConversation(database, id);
    // Another persona's conversation is "not found", not "forbidden": a scoped token learns nothing about it.
    if (!conversation || !personaAllowed(request.auth, conversation.persona)) {
      throw new HttpError(404, 'not-found', `no conversation ${JSON.stringify(id)} for these credentials`);
    }
    const { persona, turns } = conversation;
    return { id: conversation.id, persona, startedAt: conversation.startedAt, ...(conversation.endedAt ? { endedAt: conversation.endedAt } : {}), turns };
  });
}
