/**
 * The batch API: `POST /v1/batch {questions, persona?, voice?, format?, video?, adapter?,
 * concurrency?}` → 202 `{id, status}`; `GET /v1/batch/:id` → status, progress and per-item
 * results; `GET /v1/batch/:id/archive` → a zip of the outputs and `index.jsonl`, streamed;
 * `DELETE /v1/batch/:id` cancels. Jobs are stored before they are queued, so they survive a
 * restart. A token scoped to a persona may only batch, and see batches of, that persona.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import yazl from 'yazl';
import { z } from 'zod';
import { audioFormats } from '../../audio/encode-audio.js';
import type { BatchItemResult } from '../../batch/batch-item.js';
import { indexFileName, readBatchIndex } from '../../batch/batch-index.js';
import { batchFolder, createBatchJob, findBatchJob, setBatchJobStatus, type BatchJob } from '../../batch/batch-job-store.js';
import type { BatchQueue } from '../../batch/batch-queue.js';
import { checkQuestions, maximumQuestionCharacters } from '../../batch/read-questions.js';
import { requirePersona } from '../../rag/open-retrieval.js';
import type { PersonaRuntime } from '../../voice/persona-runtime.js';
import { personaAllowed } from '../auth/request-auth.js';
import { parseBody } from '../parse-body.js';
import { adapterNameSchema } from '../request-names.js';
import { HttpError, requestPersona } from '../request-persona.js';

export interface BatchRouteOptions {
  runtime: PersonaRuntime;
  queue: BatchQueue;
}

/** A request is answered in one job; more than this is a file for `persona batch`. */
export const maximumRequestQuestions = 1000;
/** Items in flight at once per job; the embedded engines gain nothing past the core count. */
export const maximumJobConcurrency = 4;

const name = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, "-" and "_" only');
const batchSchema = z
  .object({
    questions: z
      .array(
        z.union([
          z.string({ message: 'text' }),
          z.object({ question: z.string({ message: 'text' }), id: z.union([z.string(), z.number()]).optional(), voice: name.optional(), persona: name.optional() }).strict(),
        ]),
        { message: 'a list of questions (text, or {question, id?})' },
      )
      .min(1, 'at least one question')
      .max(maximumRequestQuestions, `at most ${maximumRequestQuestions} questions per batch`),
    persona: name.optional(),
    voice: name.optional(),
    format: z.enum(audioFormats as [string, ...string[]], { message: 'mp3, wav or ogg' }).default('mp3'),
    video: z.boolean({ message: 'true or false' }).default(false),
    adapter: adapterNameSchema.optional(),
    concurrency: z.number().int('a whole number').min(1).max(maximumJobConcurrency, `at most ${maximumJobConcurrency}`).default(1),
  })
  .strict();

export function registerBatchRoutes(app: FastifyInstance, options: BatchRouteOptions): void {
  const { runtime, queue } = options;
  const { database } = runtime.store;

  /** The job, if it exists and these credentials may see it; otherwise 404 (a scoped token does not learn other personas' job ids). */
  function visibleJob(request: FastifyRequest<{ Params: { id: string } }>): BatchJob {
    const job = findBatchJob(database, request.params.id);
    if (!job || !jobPersonas(job).every((persona) => personaAllowed(request.auth, persona))) {
      throw new HttpError(404, 'not-found', `no batch ${request.params.id}`);
    }
    return job;
  }

  app.post('/v1/batch', async (request, reply) => {
    const body = parseBody(batchSchema, request.body, 'batch request');
    const persona = requestPersona(request, body.persona, runtime.config.persona);
    const { questions, problems } = checkQuestions(
      body.questions.map((entry, index) => ({ line: index, input: typeof entry === 'string' ? { question: entry } : entry })),
    );
    if (problems.length > 0) {
      const listed = problems.slice(0, 10).map((problem) => `questions.${problem.line}: ${problem.reason}`);
      throw new HttpError(400, 'invalid-request', `Invalid batch request: ${listed.join('; ')}${problems.length > 10 ? `; and ${problems.length - 10} more` : ''} (questions are at most ${maximumQuestionCharacters} characters)`);
    }
    for (const wanted of new Set([persona, ...questions.flatMap((question) => (question.persona ? [question.persona] : []))])) {
      if (!personaAllowed(request.auth, wanted)) throw new HttpError(403, 'forbidden', `these credentials are for persona "${request.auth?.persona}", not "${wanted}"`);
      requirePersona(runtime.store, wanted);
    }
    const job = createBatchJob(database, {
      questions,
      options: { persona, voice: body.voice, format: body.format as (typeof audioFormats)[number], video: body.video, adapter: body.adapter },
      concurrency: body.concurrency,
      keyId: request.auth?.keyId,
    });
    await queue.enqueue(job.id);
    return reply.code(202).send({ id: job.id, status: job.status, total: questions.length });
  });

  app.get<{ Params: { id: string } }>('/v1/batch/:id', async (request) => {
    const job = visibleJob(request);
    const recorded = await readBatchIndex(batchFolder(runtime.config.home, job.id));
    const items: BatchItemResult[] = [...recorded.values()].sort((a, b) => a.index - b.index);
    // The index is written as items end; it is fresher than the stored counts while a job runs.
    const progress = {
      done: items.filter((item) => item.status === 'done').length,
      failed: items.filter((item) => item.status === 'failed').length,
      total: job.payload.questions.length,
    };
    return {
      id: job.id,
      status: job.status,
      progress,
      persona: job.payload.options.persona,
      format: job.payload.options.format,
      video: job.payload.options.video,
      items,
      ...(job.error ? { error: job.error } : {}),
      createdAt: job.createdAt,
      ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    };
  });

  app.get<{ Params: { id: string } }>('/v1/batch/:id/archive', async (request, reply) => {
    const job = visibleJob(request);
    if (job.status === 'queued' || job.status === 'running') {
      throw new HttpError(409, 'not-finished', `batch ${job.id} is ${job.status}; its archive is ready when GET /v1/batch/${job.id} says done`);
    }
    const folder = batchFolder(runtime.config.home, job.id);
    const entries = await readdir(folder).catch(() => [] as string[]);
    const zip = new yazl.ZipFile();
    // Only finished outputs: temporary files start with a dot.
    for (const entry of entries.filter((file) => !file.startsWith('.')).sort()) {
      // Audio and video are already compressed; storing them saves CPU for nothing lost.
      zip.addFile(path.join(folder, entry), entry, { compress: entry === indexFileName });
    }
    zip.end();
    return reply
      .type('application/zip')
      .header('content-disposition', `attachment; filename="batch-${job.id}.zip"`)
      .send(zip.outputStream);
  });

  app.delete<{ Params: { id: string } }>('/v1/batch/:id', async (request) => {
    const job = visibleJob(request);
    if (!setBatchJobStatus(database, job.id, 'cancelled', { error: 'cancelled by request', from: ['queued', 'running'] })) {
      throw new HttpError(409, 'already-finished', `batch ${job.id} is already ${job.status}`);
    }
    await queue.cancel(job.id);
    return { id: job.id, status: 'cancelled' };
  });
}

function jobPersonas(job: BatchJob): string[] {
  return [...new Set([job.payload.options.persona, ...job.payload.questions.flatMap((question) => (question.persona ? [question.persona] : []))])];
}
