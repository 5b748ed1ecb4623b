/**
 * Many `/v1/talk` sessions against one server (issue #13): the server's RSS before, with 300
 * sessions open on one key (idle, then each having sent a little audio so its VAD is loaded),
 * and after they close; `/healthz` time meanwhile; that one more session is refused; and the
 * server's event-loop lag (p99) while 20 sessions talk at once — a flite-spoken question
 * streamed in real time, 20 ms frames, through VAD, PocketSphinx, retrieval (BM25; the sample
 * persona is not embedded here), the recall engine and flite. The server runs in a child
 * process so the figures are its own. Loopback only; every wait is bounded.
 *
 * Audio is paced as the server paces it by default (PERSONA_AUDIO_LEAD_MS, 1 s ahead), so a
 * turn lasts as long as its spoken answer. SOAK_PROFILE=1 writes the server's CPU profile to
 * /tmp/prof.
 *
 *   node --import tsx bench/sessions-soak.ts [SESSIONS] [TALKING]
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectTalk, type TalkClient } from '../src/client/talk-client.js';
import { speakQuestion } from '../src/client/spoken-question.js';
import { createFliteEngine } from '../src/tts/flite/flite-engine.js';

const sessions = Number(process.argv[2] ?? 300);
const talking = Number(process.argv[3] ?? 20);
const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function ask<T>(child: ChildProcess, message: object, answer: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not answer ${JSON.stringify(message)} within ${timeoutMs} ms`)), timeoutMs);
    const listen = (reply: { type: string }): void => {
      if (reply.type !== answer) return;
      clearTimeout(timer);
      child.off('message', listen);
      resolve(reply as T);
    };
    child.on('message', listen);
    if (Object.keys(message).length > 0) child.send(message);
  });
}

async function healthzMs(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(60_000) });
  await response.arrayBuffer();
  return performance.now() - started;
}

const serverScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sessions-soak-server.ts');
const child = fork(serverScript, [], {
  execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.SOAK_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [])],
  // Limits high enough for the soak itself (the talkers use the second key); session number sessions + 1 on the first key is the refusal checked below.
  env: { ...process.env, PERSONA_MAX_SESSIONS_PER_KEY: String(Math.max(sessions, talking)), PERSONA_MAX_SESSIONS: String(sessions + talking + 10) },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const deadline = setTimeout(() => {
  console.error('sessions-soak: gave up after 15 minutes');
  child.kill();
  process.exit(1);
}, 15 * 60_000);

try {
  const { port, keys } = await ask<{ port: number; keys: [string, string] }>(child, {}, 'ready', 300_000);
  const talkUrl = `ws://127.0.0.1:${port}/v1/talk`;
  const httpUrl = `http://127.0.0.1:${port}`;
  const rss = async (): Promise<number> => (await ask<{ rss: number }>(child, { type: 'rss' }, 'rss')).rss;
  const start = async (key: string): Promise<TalkClient> => {
    const client = await connectTalk(talkUrl, { token: key });
    client.send({ type: 'session-start', persona: 'meera' });
    await client.waitFor('session-ready', undefined, 60_000);
    return client;
  };

  // A first session opens the persona's retrieval and engine, which stay for the server's life: not session memory.
  const warm = await start(keys[1]);
  warm.send({ type: 'text', text: 'Hello there.' });
  await warm.waitFor('turn-metrics', undefined, 120_000).catch(() => undefined);
  await warm.close();
  const before = await rss();
  const healthBefore = await healthzMs(httpUrl);

  const open: TalkClient[] = [];
  for (let index = 0; index < sessions; index++) open.push(await start(keys[0]));
  const idle = await rss();
  const healthIdle = await healthzMs(httpUrl);
  // 200 ms of silence each: a client whose mic is open, so every session has loaded its VAD.
  for (const client of open) client.sendAudio(new Int16Array(3200));
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const listening = await rss();
  const healthListening = await healthzMs(httpUrl);

  const refused = await connectTalk(talkUrl, { token: keys[0] });
  const refusal = await Promise.race([refused.closed, new Promise<{ code: number; reason: string }>((resolve) => setTimeout(() => resolve({ code: 0, reason: 'not refused in 10 s' }), 10_000))]);
  const refusalEvent = refused.events.find((event) => event.type === 'error');
  await refused.close();

  await Promise.all(open.map((client) => client.close()));
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const after = await rss();
  const healthAfter = await healthzMs(httpUrl);

  // A second round: the VADs given back are reused, so the server does not grow again.
  const reopened: TalkClient[] = [];
  for (let index = 0; index < sessions; index++) reopened.push(await start(keys[0]));
  for (const client of reopened) client.sendAudio(new Int16Array(3200));
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const secondRound = await rss();
  const healthSecondRound = await healthzMs(httpUrl);
  await Promise.all(reopened.map((client) => client.close()));
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const afterSecondRound = await rss();

  console.log(`sessions on one key: ${sessions}`);
  console.log(`  RSS before                        ${megabytes(before)}   /healthz ${healthBefore.toFixed(0)} ms`);
  console.log(`  RSS with ${sessions} idle sessions        ${megabytes(idle)}   /healthz ${healthIdle.toFixed(0)} ms`);
  console.log(`  RSS with ${sessions} sessions, VAD loaded ${megabytes(listening)}   /healthz ${healthListening.toFixed(0)} ms`);
  console.log(`  RSS after they closed (+3 s)      ${megabytes(after)}   /healthz ${healthAfter.toFixed(0)} ms`);
  console.log(`  RSS with ${sessions} sessions again, VAD loaded ${megabytes(secondRound)}   /healthz ${healthSecondRound.toFixed(0)} ms`);
  console.log(`  RSS after they closed (+3 s)      ${megabytes(afterSecondRound)}`);
  console.log(`  session ${sessions + 1} on the key: close ${refusal.code} "${refusal.reason}"; ${refusalEvent?.type === 'error' ? `${refusalEvent.code}: ${refusalEvent.message}` : 'no error event'}`);

  const question = await speakQuestion(createFliteEngine(), 'What do you drink in the morning?', { silenceMs: 1000 });
  const talkers: TalkClient[] = [];
  for (let index = 0; index < talking; index++) talkers.push(await start(keys[1]));
  await ask(child, { type: 'lag-start' }, 'lag-started');
  const started = performance.now();
  const turns = await Promise.allSettled(
    talkers.map(async (client) => {
      await client.streamRealTime(question);
      return client.waitFor('turn-metrics', undefined, 300_000);
    }),
  );
  const lag = await ask<{ p50: number; p99: number; max: number }>(child, { type: 'lag-stop' }, 'lag');
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(talkers.map((client) => client.close()));
  const completed = turns.filter((turn) => turn.status === 'fulfilled' && turn.value.outcome === 'completed');
  const firstAudio = completed.map((turn) => (turn.status === 'fulfilled' ? (turn.value.timings.firstAudioMs ?? NaN) : NaN)).sort((a, b) => a - b);
  console.log(`${talking} sessions talking at once (${question.length / 16000} s of speech each, real time): ${completed.length}/${talking} turns completed in ${seconds.toFixed(1)} s`);
  console.log(`  server event-loop lag: p50 ${lag.p50.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms, max ${lag.max.toFixed(1)} ms`);
  console.log(`  end of speech → first audio: median ${firstAudio[Math.floor(firstAudio.length / 2)]?.toFixed(0) ?? '-'} ms, worst ${firstAudio.at(-1)?.toFixed(0) ?? '-'} ms`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ type: 'exit' });
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
} finally {
  clearTimeout(deadline);
  if (child.exitCode === null) child.kill();
}
