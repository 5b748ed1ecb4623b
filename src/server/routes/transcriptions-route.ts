/**
 * `POST /v1/audio/transcriptions`, OpenAI-compatible: a multipart upload (`file`, `model`,
 * `prompt`, `response_format`) → the transcript from the service's STT engine. `model` may
 * name a persona, whose corpus then biases recognition; `prompt` adds words of its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { describeError } from '../../errors.js';
import { decodeAudioFile } from '../../stt/decode-audio.js';
import { findPersona } from '../../store/persona-repository.js';
import { transcribeAll, type SttBias } from '../../stt/stt-engine.js';
import type { PersonaRuntime } from '../../voice/persona-runtime.js';
import { HttpError, requestPersona } from '../request-persona.js';
import { requestSignal } from '../request-signal.js';

const responseFormats = ['json', 'text', 'verbose_json'] as const;

export function registerTranscriptionsRoute(app: FastifyInstance, runtime: PersonaRuntime): void {
  app.post('/v1/audio/transcriptions', async (request, reply) => {
    if (!request.isMultipart()) throw new HttpError(400, 'invalid-request', 'send multipart/form-data with a "file" field (as OpenAI clients do)');
    const signal = requestSignal(reply);
    const folder = await mkdtemp(path.join(tmpdir(), 'persona-upload-'));
    try {
      const fields: Record<string, string> = {};
      let uploaded: string | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file' || uploaded) {
              part.file.resume();
              continue;
            }
            uploaded = path.join(folder, path.basename(part.filename || 'audio').replace(/[^\w.-]+/g, '_'));
            await pipeline(part.file, createWriteStream(uploaded));
            if (part.file.truncated) throw new HttpError(413, 'input-too-large', `the uploaded file "${part.filename}" is over the upload limit`);
          } else {
            fields[part.fieldname] = String(part.value);
          }
        }
      } catch (error) {
        // A body that breaks off or is malformed is the client's fault, and says so: busboy's errors carry no status and read as a 500 otherwise.
        if (error instanceof HttpError || (error as { statusCode?: number }).statusCode !== undefined || signal.aborted) throw error;
        throw new HttpError(400, 'invalid-request', `the multipart body could not be read (${describeError(error)}): it was cut off or is not multipart/form-data as its content-type says`);
      }
      if (!uploaded) throw new HttpError(400, 'invalid-request', 'the multipart body has no "file" field');
      const format = fields.response_format ?? 'json';
      if (!(responseFormats as readonly string[]).includes(format)) throw new HttpError(400, 'invalid-request', `response_format must be json, text or verbose_json, not "${format}"`);

      const database = runtime.store.database;
      const persona = fields.model && findPersona(database, fields.model) ? requestPersona(request, fields.model, runtime.config.persona) : undefined;
      const phrases = [...(persona ? (await runtime.forPersona(persona)).bias.phrases : []), ...(fields.prompt ? [fields.prompt] : [])];
      const bias: SttBias | undefined = phrases.length > 0 ? { phrases } : undefined;

      const samples = await decodeAudioFile(uploaded, { signal });
      async function* chunks(): AsyncGenerator<Float32Array> {
        for (let offset = 0; offset < samples.length; offset += 16000) yield samples.subarray(offset, offset + 16000);
      }
      const result = await transcribeAll(runtime.stt, chunks(), { signal, bias, language: fields.language });
      if (format === 'text') return reply.type('text/plain; charset=utf-8').send(result.text);
      if (format === 'json') return { text: result.text };
      return {
        task: 'transcribe',
        language: fields.language ?? 'en',
        duration: samples.length / 16000,
        text: result.text,
        segments: result.segments.map((segment, index) => ({ id: index, start: (segment.startMs ?? 0) / 1000, end: (segment.endMs ?? 0) / 1000, text: segment.text })),
      };
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
}
