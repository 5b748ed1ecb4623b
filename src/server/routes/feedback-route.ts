/**
 * `POST /v1/feedback {turn_id, rating, corrected_answer?, comment?}` → 201 `{id}`: how a
 * person judged one of the persona's answers, and optionally what it should have said.
 * `turn_id` is the stored turn's id (`conversation_turns.id`). `rating` is either a thumb
 * (-1 bad, 0 neutral, 1 good) or stars (1..5); 1 reads the same on both scales, "good
 * enough". Corrected answers become training examples (`persona dataset export --with-feedback`).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SqliteDatabase } from '../../store/open-database.js';
import { personaAllowed } from '../auth/request-auth.js';
import { parseBody } from '../parse-body.js';
import { HttpError } from '../request-persona.js';

export interface FeedbackRouteOptions {
  database: SqliteDatabase;
}

/** Long enough for a corrected e-mail-length answer; a body past it is a mistake or an attack. */
export const maximumCorrectedAnswerCharacters = 20_000;
export const maximumCommentCharacters = 4_000;

const feedbackSchema = z
  .object({
    turn_id: z.number({ message: 'a turn id (a whole number)' }).int('a whole number').positive('a positive whole number'),
    rating: z.number({ message: 'a number: -1, 0 or 1, or 1 to 5 stars' }).int('a whole number').min(-1, '-1, 0 or 1, or 1 to 5 stars').max(5, '-1, 0 or 1, or 1 to 5 stars'),
    corrected_answer: z
      .string({ message: 'text' })
      .trim()
      .min(1, 'not empty when given')
      .max(maximumCorrectedAnswerCharacters, `at most ${maximumCorrectedAnswerCharacters} characters`)
      .optional(),
    comment: z.string({ message: 'text' }).max(maximumCommentCharacters, `at most ${maximumCommentCharacters} characters`).optional(),
  })
  .strict();

export function registerFeedbackRoute(app: FastifyInstance, options: FeedbackRouteOptions): void {
  const { database } = options;
  const findTurn = database.prepare(
    `SELECT conversation_turns.role, conversations.persona_id FROM conversation_turns
     JOIN conversations ON conversations.id = conversation_turns.conversation_id WHERE conversation_turns.id = ?`,
  );
  const insert = database.prepare('INSERT INTO feedback (turn_id, rating, comment, corrected_answer, created_at) VALUES (?, ?, ?, ?, ?)');

  app.post('/v1/feedback', async (request, reply) => {
    const body = parseBody(feedbackSchema, request.body, 'feedback');
    const turn = findTurn.get(body.turn_id) as { role: string; persona_id: string } | undefined;
    // Another persona's turn is answered exactly as a missing one: naming its persona (or even a 403) would tell a scoped token it exists.
    if (!turn || !personaAllowed(request.auth, turn.persona_id)) throw new HttpError(404, 'not-found', `turn_id: no turn ${body.turn_id} in this store`);
    if (turn.role !== 'persona') throw new HttpError(400, 'invalid-request', `turn_id: turn ${body.turn_id} is the user's, not one of the persona's answers`);
    const result = insert.run(body.turn_id, body.rating, body.comment ?? null, body.corrected_answer ?? null, new Date().toISOString());
    return reply.code(201).send({ id: Number(result.lastInsertRowid) });
  });
}
