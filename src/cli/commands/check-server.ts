/** `persona demo --check`: one spoken question through the running server's /v1/talk, reported stage by stage. */
import { connectTalk } from '../../client/talk-client.js';
import { speakQuestion } from '../../client/spoken-question.js';
import { createEmbeddedTtsEngine } from '../../tts/create-tts-engine.js';

export async function checkServer(url: string, key: string, persona: string): Promise<string> {
  const question = 'What do you drink in the morning?';
  const voice = createEmbeddedTtsEngine();
  let audio: Int16Array;
  try {
    audio = await speakQuestion(voice, question);
  } finally {
    await voice.close();
  }
  const client = await connectTalk(`${url.replace(/^http/, 'ws')}/v1/talk`, { token: key });
  try {
    client.send({ type: 'session-start', persona });
    await client.waitFor('session-ready');
    await client.streamRealTime(audio);
    const metrics = await client.waitFor('turn-metrics', undefined, 120_000);
    const transcript = client.events.find((event) => event.type === 'transcript-end' && event.turn === metrics.turn);
    const answer = client.events.find((event) => event.type === 'text-end' && event.turn === metrics.turn);
    const sources = client.events.find((event) => event.type === 'sources' && event.turn === metrics.turn);
    const heardMs = (client.audioOf(metrics.turn).length / (client.events.find((event) => event.type === 'audio-start')?.sampleRate ?? 16000)) * 1000;
    const timings = Object.entries(metrics.timings)
      .filter(([, value]) => value !== undefined)
      .map(([stage, value]) => `${stage} ${value}`)
      .join(', ');
    const errors = client.events.flatMap((event) => (event.type === 'error' ? [`${event.code}: ${event.message}`] : []));
    return [
      ...errors.map((error) => `Error event: ${error}`),
      `Spoke (${voice.id}): "${question}"`,
      `Heard (${metrics.engine.stt}): "${transcript?.type === 'transcript-end' ? transcript.text : ''}"`,
      `Answer (${metrics.engine.llm}): ${answer?.type === 'text-end' ? answer.text : '(none)'}`,
      `Sources: ${sources?.type === 'sources' ? sources.sources.map((source) => source.label).join('; ') || 'none' : 'none'}`,
      `Audio: ${Math.round(heardMs)} ms from ${metrics.engine.tts}; turn ${metrics.outcome}; ${timings} (ms)`,
      '',
    ].join('\n');
  } finally {
    await client.close();
  }
}
