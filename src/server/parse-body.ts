/** Validates a JSON body; a bad one is a 400 that lists each problem by field. */
import type { z } from 'zod';
import { HttpError } from './request-persona.js';

export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown, what: string): z.infer<Schema> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  throw new HttpError(400, 'invalid-request', `Invalid ${what}: ${problems.join('; ')}`);
}
