/**
 * `POST /v1/audio/speech`, OpenAI-compatible: `{input, voice?, response_format?}` → audio in
 * the persona's voice (or the embedded one). `voice` names a folder under `voices/`; OpenAI's
 * own voice names are not voices here and get the default voice.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audioContentTypes, encodeAudio } from '../../audio/encode-audio.js';
import { createLinearResampler } from '../../tts/espeak/linear-resampler.js';
import { chooseVoices } from '../../voice/choose-voices.js';
import type { PersonaRuntime } from '../../voice/persona-runtime.js';
import { synthesizeText } from '../../voice/synthesize-text.js';
import type { PersonaMetrics } from '../metrics/persona-metrics.js';
import { parseBody } from '../parse-body.js';
import { voiceNameSchema } from '../request-names.js';
import { requestSignal } from '../request-signal.js';

const speechSchema = z.object({
  model: z.string().optional(),
  input: z.string().trim().min(1, 'must not be empty').max(4096, 'at most 4096 characters'),
  voice: voiceNameSchema.optional(),
  response_format: z.enum(['mp3', 'opus', 'wav', 'pcm'], { message: 'mp3, opus, wav or pcm (aac and flac are not offered)' }).default('mp3'),
});

/** OpenAI's `pcm` format is 24 kHz mono PCM16 little-endian. */
const openAiPcmRate = 24000;

export function registerSpeechRoute(app: FastifyInstance, options: { runtime: PersonaRuntime; metrics: PersonaMetrics }): void {
  app.post('/v1/audio/speech', async (request, reply) => {
    const body = parseBody(speechSchema, request.body, 'speech request');
    const signal = requestSignal(reply);
    const voices = await chooseVoices(options.runtime, body.voice, { quiet: true });
    const spoken = await synthesizeText(voices, body.input, signal, () => options.metrics.ttsFallback());
    reply.header('x-persona-tts-engine', spoken.engine);
    if (body.response_format === 'pcm') {
      const pcm = createLinearResampler(spoken.sampleRate, openAiPcmRate).push(spoken.pcm);
      return reply.type('audio/pcm').send(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    }
    const format = body.response_format === 'opus' ? 'ogg' : body.response_format;
    const bytes = await encodeAudio(spoken.pcm, spoken.sampleRate, format, { signal });
    return reply.type(audioContentTypes[format]).send(bytes);
  });
}
