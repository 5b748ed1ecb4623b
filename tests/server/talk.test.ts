/**
 * The voice loop end to end over a real WebSocket: a spoken question (flite, resampled to
 * 16 kHz) streamed in real time as 20 ms frames through Silero VAD, PocketSphinx, retrieval,
 * the recall engine and flite, back as audio frames that Silero hears as speech. Then
 * barge-in, refused credentials, malformed frames, and a voice worker that dies mid-stream.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectTalk, type TalkClient } from '../../src/client/talk-client.js';
import { speakQuestion } from '../../src/client/spoken-question.js';
import type { ServerEvent } from '../../src/events.js';
import { detectSpeech } from '../../src/stt/vad/detect-speech.js';
import { createSileroVad } from '../../src/stt/vad/silero-vad.js';
import { createLinearResampler } from '../../src/tts/espeak/linear-resampler.js';
import { startFakeXttsWorker, type FakeWorker } from '../helpers/fake-xtts-worker.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { addConsentedVoice, startTalkServer, type TalkServer } from './talk-server.js';

const question = 'What do you drink in the morning?';

async function heardAsSpeech(pcm: Int16Array, sampleRate: number): Promise<number> {
  const vad = await createSileroVad({ sampleRate: 16000 });
  try {
    const at16k = createLinearResampler(sampleRate, 16000).push(pcm);
    async function* frames(): AsyncGenerator<Int16Array> {
      for (let offset = 0; offset < at16k.length; offset += 320) yield at16k.subarray(offset, offset + 320);
      yield new Int16Array(16000);
    }
    let utterances = 0;
    for await (const event of detectSpeech(vad, frames())) if (event.type === 'speech-end') utterances++;
    return utterances;
  } finally {
    await vad.close();
  }
}

function indexOfEvent(client: TalkClient, predicate: (event: ServerEvent) => boolean): number {
  return client.received.findIndex((item) => item.kind === 'event' && predicate(item.event));
}

describe('the /v1/talk voice loop', () => {
  let server: TalkServer;
  /** The same store, with audio paced to real time (300 ms ahead), as a listener hears it. */
  let pacedServer: TalkServer;
  let spokenQuestion: Int16Array;
  const home = makeTemporaryFolder('talk');

  before(async () => {
    server = await startTalkServer(home, { environment: { PERSONA_MAX_FRAME_BYTES: '65536' } });
    pacedServer = await startTalkServer(home, { store: server.store, environment: { PERSONA_AUDIO_LEAD_MS: '300' } });
    spokenQuestion = await speakQuestion(server.runtime.embeddedTts, question);
  });
  after(async () => {
    await pacedServer?.close();
    await server?.close();
  });

  test('a spoken question streamed in real time is heard, answered with sources, and spoken back', async () => {
    const client = await connectTalk(server.talkUrl, { token: server.key });
    try {
      client.send({ type: 'session-start', persona: 'meera' });
      const ready = await client.waitFor('session-ready');
      assert.equal(ready.stt, 'pocketsphinx');
      assert.equal(ready.llm, 'recall');
      await client.streamRealTime(spokenQuestion);
      const metrics = await client.waitFor('turn-metrics', undefined, 90_000);
      const turn = metrics.turn;
      const ofTurn = client.events.filter((event) => 'turn' in event && event.turn === turn);
      const types = ofTurn.map((event) => event.type);
      for (const expected of ['vad-start', 'vad-end', 'transcript-end', 'sources', 'text-delta', 'text-end', 'audio-start', 'audio-end', 'turn-metrics'] as const) {
        assert.ok(types.includes(expected), `expected a ${expected} event; got ${types.join(', ')}`);
      }
      assert.ok(types.indexOf('vad-start') < types.indexOf('vad-end') && types.indexOf('vad-end') < types.indexOf('transcript-end'), types.join(', '));
      const transcript = ofTurn.find((event) => event.type === 'transcript-end');
      assert.ok(transcript?.type === 'transcript-end' && transcript.text.length > 0, 'the transcript is not empty');
      const sources = ofTurn.find((event) => event.type === 'sources');
      assert.ok(sources?.type === 'sources' && sources.sources.length > 0, 'the answer names its sources');
      assert.equal(metrics.outcome, 'completed');
      for (const stage of ['sttMs', 'retrievalMs', 'firstTokenMs', 'firstSentenceMs', 'firstAudioMs', 'totalMs'] as const) {
        assert.equal(typeof metrics.timings[stage], 'number', `turn-metrics has ${stage}`);
      }

      const audio = client.audioOf(turn);
      const start = ofTurn.find((event) => event.type === 'audio-start');
      assert.ok(start?.type === 'audio-start');
      assert.ok(audio.length > start.sampleRate * 0.5, `at least half a second of audio came back (got ${audio.length} samples)`);
      assert.ok((await heardAsSpeech(audio, start.sampleRate)) >= 1, 'Silero hears speech in the audio that came back');
    } finally {
      await client.close();
    }
  });

  test('speech during playback stops the old turn: no audio of it after the interruption', async () => {
    const client = await connectTalk(pacedServer.talkUrl, { token: pacedServer.key });
    try {
      client.send({ type: 'session-start', persona: 'meera' });
      await client.waitFor('session-ready');
      // Silence keeps the mic stream alive, as a real microphone would, while the first answer plays.
      const streaming = client.streamRealTime(new Int16Array(16000 * 2));
      client.send({ type: 'text', text: 'Tell me about the bridge inspections and the monsoon season.' });
      const firstAudio = await client.waitFor('audio-start', undefined, 60_000);
      await streaming;
      await client.streamRealTime(spokenQuestion);
      const interrupted = await client.waitFor('audio-end', (event) => event.turn === firstAudio.turn, 30_000);
      assert.equal(interrupted.interrupted, true, 'the first turn was interrupted, not finished');
      const boundary = indexOfEvent(client, (event) => event.type === 'audio-end' && event.turn === firstAudio.turn);
      const lateFrames = client.received.slice(boundary + 1).filter((item) => item.kind === 'audio' && item.turn === firstAudio.turn);
      assert.equal(lateFrames.length, 0, 'no audio frame of the interrupted turn arrives after its audio-end');
      const firstMetrics = await client.waitFor('turn-metrics', (event) => event.turn === firstAudio.turn);
      assert.equal(firstMetrics.outcome, 'interrupted');
      const bargeIn = await client.waitFor('vad-start', (event) => event.turn > firstAudio.turn);
      await client.waitFor('audio-start', (event) => event.turn === bargeIn.turn, 90_000);
      // The new turn is answered; an `interrupt` message stops it as speech did the first.
      client.send({ type: 'interrupt' });
      const secondMetrics = await client.waitFor('turn-metrics', (event) => event.turn === bargeIn.turn);
      assert.equal(secondMetrics.outcome, 'interrupted');
    } finally {
      await client.close();
    }
  });

  test('a session that asks for video gets the talking head as fragmented-MP4 segments', async () => {
    const client = await connectTalk(server.talkUrl, { token: server.key });
    try {
      client.send({ type: 'session-start', persona: 'meera', video: true });
      await client.waitFor('session-ready');
      client.send({ type: 'text', text: 'Filter coffee or tea?' });
      const metrics = await client.waitFor('turn-metrics', undefined, 60_000);
      const segments = client.events.flatMap((event) => (event.type === 'video-segment' && event.turn === metrics.turn ? [event] : []));
      assert.ok(segments.length >= 2, `video segments arrived (${segments.length})`);
      assert.deepEqual(segments.map((segment) => segment.index), segments.map((_, index) => index), 'in order, from 0');
      assert.match(segments[0]!.mimeType, /^video\/mp4; codecs="avc1\./);
      const first = Buffer.from(segments[0]!.data, 'base64');
      assert.equal(first.subarray(4, 8).toString('latin1'), 'ftyp', 'the first segment starts with the init (ftyp + moov)');
      assert.equal(Buffer.from(segments[1]!.data, 'base64').subarray(4, 8).toString('latin1'), 'moof', 'later segments are fragments');
    } finally {
      await client.close();
    }
  });

  test('a connection without credentials is refused', async () => {
    await assert.rejects(connectTalk(server.talkUrl), (error: Error & { statusCode?: number }) => error.statusCode === 401);
    await assert.rejects(connectTalk(server.talkUrl, { token: 'pk_not-a-real-key' }), (error: Error & { statusCode?: number }) => error.statusCode === 401);
  });

  test('malformed frames get error events and the session goes on', async () => {
    const client = await connectTalk(server.talkUrl, { token: server.key });
    try {
      client.sendAudio(new Int16Array(320));
      await client.waitFor('error', (event) => event.code === 'session-not-started');
      client.send('{"type": "session-start", "persona": ');
      await client.waitFor('error', (event) => event.code === 'bad-frame' && event.message.includes('not JSON'));
      client.send({ type: 'launch' } as never);
      await client.waitFor('error', (event) => event.message.includes('unknown message type "launch"'));
      client.send({ type: 'session-start', persona: 'nobody-here' });
      await client.waitFor('error', (event) => event.code === 'not-found' && event.message.includes('nobody-here'));
      client.send({ type: 'session-start', persona: 'meera' });
      await client.waitFor('session-ready');
      client.sendAudio(new Int16Array(40_000));
      await client.waitFor('error', (event) => event.code === 'frame-too-large');
      client.send(Buffer.from([1, 2, 3]).toString('latin1'));
      await client.waitFor('error', (event) => event.code === 'bad-frame' && event.message.includes('not JSON'));
      client.send({ type: 'text', text: question });
      const end = await client.waitFor('text-end', undefined, 60_000);
      assert.ok(end.text.length > 0, 'the session still answers');
    } finally {
      await client.close();
    }
  });
});

describe('a voice worker that dies mid-stream', () => {
  let server: TalkServer;
  let worker: FakeWorker;
  const home = makeTemporaryFolder('talk-fallback');

  before(async () => {
    worker = await startFakeXttsWorker(async ({ res }) => {
      // Half a second of a tone, then the worker's process dies: the connection is cut without an end.
      const tone = Buffer.alloc(24000);
      for (let index = 0; index < 12000; index++) tone.writeInt16LE(Math.round(8000 * Math.sin(index / 8)), index * 2);
      res.write(tone);
      await new Promise((resolve) => setTimeout(resolve, 50));
      res.socket?.destroy();
    });
    server = await startTalkServer(home, { environment: { PERSONA_TTS_ENGINE: 'xtts', PERSONA_XTTS_URLS: worker.url } });
    addConsentedVoice(server.config.voicesFolder, 'meera');
  });
  after(async () => {
    await server?.close();
    await worker?.close();
  });

  test('the answer goes on in the embedded voice, with an error event, and the turn ends', async () => {
    const client = await connectTalk(server.talkUrl, { token: server.key });
    try {
      client.send({ type: 'session-start', persona: 'meera', voice: 'meera' });
      const ready = await client.waitFor('session-ready');
      assert.equal(ready.tts, 'xtts');
      client.send({ type: 'text', text: question });
      const failure = await client.waitFor('error', (event) => event.code === 'tts-fallback', 60_000);
      assert.match(failure.message, /xtts/);
      const metrics = await client.waitFor('turn-metrics', undefined, 60_000);
      assert.equal(metrics.outcome, 'completed');
      assert.notEqual(metrics.engine.tts, 'xtts', 'the turn finished in the embedded voice');
      const failureIndex = indexOfEvent(client, (event) => event.type === 'error' && event.code === 'tts-fallback');
      const framesAfter = client.received.slice(failureIndex).filter((item) => item.kind === 'audio' && item.turn === metrics.turn);
      assert.ok(framesAfter.length > 0, 'audio kept coming after the worker died');
      assert.ok(worker.requests.length >= 1, 'the worker was asked first');
    } finally {
      await client.close();
    }
  });
});
