/**
 * Latency of a spoken turn over `/v1/talk` on the embedded engines (Silero VAD, PocketSphinx
 * with the persona bias, the recall engine or a GGUF if one is configured, flite), with the
 * sample persona ingested and embedded. Questions are spoken by flite and streamed at real
 * time in 20 ms frames, as a microphone would send them. Prints the median of each stage of
 * `turn-metrics` and the latency a listener feels: from the last voiced sample sent to the
 * first audio frame received (this includes the end-of-speech silence, PERSONA_END_OF_SPEECH_MS).
 *
 *   node --import tsx bench/voice-latency.ts [TURNS]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectTalk } from '../src/client/talk-client.js';
import { speakQuestion } from '../src/client/spoken-question.js';
import { loadConfig } from '../src/config.js';
import type { TurnTimings } from '../src/events.js';
import { ingestSamplePersona } from '../src/cli/sample-persona.js';
import { embedPersona } from '../src/rag/embed-persona.js';
import { buildApp } from '../src/server/app.js';
import { createApiKey } from '../src/store/api-key-repository.js';
import { openStore } from '../src/store/store.js';
import { openPersonaRuntime } from '../src/voice/persona-runtime.js';

const turns = Number(process.argv[2] ?? 6);
const questions = [
  'What do you drink in the morning?',
  'Tell me about Kaveri Bridgeworks.',
  'How is the Adyar creek footbridge going?',
  'What do you think about monsoon drainage?',
  'Who is Tom Okafor?',
  'What first made you want to become a structural engineer?',
];
const silenceMs = 1000;

function median(values: number[]): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((left, right) => left - right);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'persona-voice-latency-'));
try {
  // Unpaced audio unless asked: pacing changes no stage's figure, only how long each turn takes to finish.
  const config = loadConfig({ environment: { PERSONA_AUDIO_LEAD_MS: '600000', ...process.env, PERSONA_HOME: scratch, PERSONA_PORT: '0' }, configFile: false });
  const store = openStore(config);
  await ingestSamplePersona(store, config);
  await embedPersona(config, store, 'meera');
  const runtime = await openPersonaRuntime(config, { store });
  const app = await buildApp({ runtime });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const key = createApiKey(store.database).key;

  const client = await connectTalk(`ws://127.0.0.1:${port}/v1/talk`, { token: key });
  client.send({ type: 'session-start', persona: 'meera' });
  const ready = await client.waitFor('session-ready');
  console.log(`engines: stt ${ready.stt}, llm ${ready.llm}, tts ${ready.tts}; audio lead ${config.server.audioLeadMs} ms, end of speech after ${config.stt.endOfSpeechMs} ms of silence`);
  // The first session builds the persona's language model; a warm-up turn keeps that out of the figures.
  await client.streamRealTime(await speakQuestion(runtime.embeddedTts, 'Hello there.', { silenceMs }));
  await client.waitFor('turn-metrics', undefined, 120_000).catch(() => undefined);

  const stages: Record<keyof TurnTimings | 'felt', number[]> = { sttMs: [], retrievalMs: [], firstTokenMs: [], firstSentenceMs: [], firstAudioMs: [], totalMs: [], felt: [] };
  for (let index = 0; index < turns; index++) {
    const question = questions[index % questions.length]!;
    const audio = await speakQuestion(runtime.embeddedTts, question, { silenceMs });
    const alreadySeen = client.received.length;
    const started = performance.now();
    await client.streamRealTime(audio);
    const lastVoiced = started + ((audio.length - 16 * silenceMs) / 16000) * 1000;
    const metrics = await client.waitFor('turn-metrics', (event) => client.received.findIndex((item) => item.kind === 'event' && item.event === event) >= alreadySeen, 120_000);
    const firstFrame = client.received.slice(alreadySeen).find((item) => item.kind === 'audio' && item.turn === metrics.turn);
    const transcript = client.events.find((event) => event.type === 'transcript-end' && event.turn === metrics.turn);
    for (const stage of Object.keys(metrics.timings) as (keyof TurnTimings)[]) {
      const value = metrics.timings[stage];
      if (value !== undefined) stages[stage].push(value);
    }
    if (firstFrame) stages.felt.push(firstFrame.at - lastVoiced);
    console.log(
      `turn ${index + 1}: "${question}" heard "${transcript?.type === 'transcript-end' ? transcript.text : ''}" — ${metrics.outcome}; ` +
        `${Object.entries(metrics.timings).map(([stage, value]) => `${stage} ${value}`).join(', ')}; felt ${firstFrame ? Math.round(firstFrame.at - lastVoiced) : '-'} ms`,
    );
  }
  await client.close();
  await app.close();
  await runtime.close();
  store.close();

  console.log(`\nmedians over ${turns} turns (ms):`);
  for (const [stage, values] of Object.entries(stages)) console.log(`  ${stage.padEnd(16)} ${median(values).toFixed(0)}`);
  console.log('  (felt = last voiced sample sent → first audio frame received, including the end-of-speech silence)');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
