/**
 * The HTTP side of the server on real engines: /v1/interact and /v1/audio/:id, the
 * OpenAI-compatible chat, speech and transcription routes as OpenAI clients call them,
 * /healthz and /metrics, and clear errors for bad requests.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ffmpegPath } from '../../src/audio/ffmpeg-path.js';
import { encodeWav } from '../../src/audio/wav-file.js';
import { speakQuestion } from '../../src/client/spoken-question.js';
import { makeTemporaryFolder } from '../helpers/temporary-folder-per-file.js';
import { startTalkServer, type TalkServer } from './talk-server.js';

/** Seconds of audio ffmpeg finds in `bytes`; fails the test when ffmpeg cannot decode them. */
function decodedSeconds(bytes: Uint8Array, folder: string, name: string): number {
  const file = path.join(folder, name);
  writeFileSync(file, bytes);
  const result = spawnSync(ffmpegPath(), ['-v', 'error', '-i', file, '-f', 's16le', '-ac', '1', '-ar', '16000', 'pipe:1'], { maxBuffer: 64 * 1024 * 1024 });
  assert.equal(result.status, 0, `ffmpeg decodes ${name}: ${result.stderr?.toString()}`);
  return result.stdout.length / 2 / 16000;
}

describe('the HTTP routes', () => {
  const home = makeTemporaryFolder('http-routes');
  let server: TalkServer;
  let authorization: Record<string, string>;

  before(async () => {
    server = await startTalkServer(home);
    authorization = { authorization: `Bearer ${server.key}` };
  });
  after(async () => {
    await server?.close();
  });

  const post = (route: string, body: unknown, headers: Record<string, string> = authorization): Promise<Response> =>
    fetch(`${server.httpUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  test('/healthz is public and names the engines; /metrics and /v1 need a key', async () => {
    const health = await fetch(`${server.httpUrl}/healthz`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { status: string; engines: Record<string, string> };
    assert.equal(body.status, 'ok');
    assert.deepEqual(body.engines, { stt: 'pocketsphinx', llm: 'recall', tts: 'flite', embeddedTts: 'flite' });
    assert.equal((await fetch(`${server.httpUrl}/metrics`)).status, 401);
    assert.equal((await post('/v1/interact', { text: 'hello' }, {})).status, 401);
    const metrics = await fetch(`${server.httpUrl}/metrics`, { headers: authorization });
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /persona_http_request_duration_seconds/);
  });

  test('/v1/interact answers with text, sources and an audio URL that plays as wav, mp3 and ogg', async () => {
    const response = await post('/v1/interact', { text: 'What do you drink in the morning?', persona: 'meera' });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { response_text: string; audio_url: string; sources: unknown[]; conversation_id: string; turn_id: number };
    assert.ok(body.response_text.length > 0);
    assert.ok(body.sources.length > 0);
    assert.match(body.audio_url, /^\/v1\/audio\/[0-9a-f-]{36}$/);
    for (const format of ['wav', 'mp3', 'ogg']) {
      const audio = await fetch(`${server.httpUrl}${body.audio_url}?format=${format}`, { headers: authorization });
      assert.equal(audio.status, 200, format);
      const seconds = decodedSeconds(new Uint8Array(await audio.arrayBuffer()), home, `answer.${format}`);
      assert.ok(seconds > 0.5, `${format}: ${seconds} s of audio`);
    }
    const feedback = await post('/v1/feedback', { turn_id: body.turn_id, rating: 1, corrected_answer: 'Filter coffee, always.' });
    assert.equal(feedback.status, 201, 'the answer can be rated by the turn id it came with');
    const followUp = await post('/v1/interact', { text: 'And in the evening?', persona: 'meera', conversation_id: body.conversation_id });
    assert.equal(followUp.status, 200);
    const unknown = await fetch(`${server.httpUrl}/v1/audio/00000000-0000-4000-8000-000000000000`, { headers: authorization });
    assert.equal(unknown.status, 404);
  });

  test('bad requests get a 4xx with a message that names the problem', async () => {
    const empty = await post('/v1/interact', { text: '  ' });
    assert.equal(empty.status, 400);
    assert.match(((await empty.json()) as { error: { message: string } }).error.message, /text: must not be empty/);
    const unknownPersona = await post('/v1/interact', { text: 'hello', persona: 'nobody' });
    assert.equal(unknownPersona.status, 404);
    assert.match(((await unknownPersona.json()) as { error: { message: string } }).error.message, /Unknown persona "nobody"/);
    const brokenJson = await fetch(`${server.httpUrl}/v1/interact`, { method: 'POST', headers: { 'content-type': 'application/json', ...authorization }, body: '{"text": ' });
    assert.equal(brokenJson.status, 400);
    const noRoute = await fetch(`${server.httpUrl}/v1/nothing`, { headers: authorization });
    assert.equal(noRoute.status, 404);
  });

  test('/v1/chat/completions answers as OpenAI does, streamed and whole', async () => {
    const whole = await post('/v1/chat/completions', { model: 'meera', messages: [{ role: 'user', content: 'What do you drink in the morning?' }] });
    assert.equal(whole.status, 200);
    const completion = (await whole.json()) as { object: string; choices: { message: { role: string; content: string }; finish_reason: string }[] };
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.choices[0]?.message.role, 'assistant');
    assert.ok((completion.choices[0]?.message.content ?? '').length > 0);

    const streamed = await post('/v1/chat/completions', {
      model: 'meera',
      stream: true,
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: [{ type: 'text', text: 'What do you drink in the morning?' }] },
      ],
    });
    assert.equal(streamed.status, 200);
    assert.match(streamed.headers.get('content-type') ?? '', /text\/event-stream/);
    const lines = (await streamed.text()).split('\n').filter((line) => line.startsWith('data: '));
    assert.equal(lines.at(-1), 'data: [DONE]');
    const chunks = lines.slice(0, -1).map((line) => JSON.parse(line.slice(6)) as { object: string; choices: { delta: { content?: string }; finish_reason: string | null }[] });
    assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk'));
    assert.ok(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('').length > 0, 'the content arrives in deltas');
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');

    const noQuestion = await post('/v1/chat/completions', { model: 'meera', messages: [{ role: 'system', content: 'be brief' }] });
    assert.equal(noQuestion.status, 400);
  });

  test('/v1/audio/speech speaks text in the formats OpenAI clients ask for', async () => {
    for (const [format, name] of [['mp3', 'speech.mp3'], ['wav', 'speech.wav'], ['opus', 'speech.ogg']] as const) {
      const response = await post('/v1/audio/speech', { model: 'tts-1', input: 'Good morning. The filter coffee is ready.', voice: 'alloy', response_format: format });
      assert.equal(response.status, 200, format);
      assert.ok(decodedSeconds(new Uint8Array(await response.arrayBuffer()), home, name) > 1, format);
    }
    const pcm = await post('/v1/audio/speech', { input: 'Good morning.', response_format: 'pcm' });
    assert.equal(pcm.status, 200);
    assert.ok((await pcm.arrayBuffer()).byteLength > 24000 * 2 * 0.3, 'at least 0.3 s of 24 kHz PCM16');
    const flac = await post('/v1/audio/speech', { input: 'Good morning.', response_format: 'flac' });
    assert.equal(flac.status, 400);
  });

  test('/v1/audio/transcriptions hears an uploaded recording', async () => {
    const spoken = await speakQuestion(server.runtime.embeddedTts, 'Good morning', { silenceMs: 300 });
    const form = new FormData();
    form.set('file', new Blob([encodeWav(spoken, 16000)], { type: 'audio/wav' }), 'question.wav');
    form.set('model', 'whisper-1');
    form.set('response_format', 'verbose_json');
    const response = await fetch(`${server.httpUrl}/v1/audio/transcriptions`, { method: 'POST', headers: authorization, body: form });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { text: string; duration: number };
    assert.ok(body.text.length > 0, 'a transcript came back');
    assert.ok(body.duration > 0.5);

    const notAudio = new FormData();
    notAudio.set('file', new Blob([Buffer.from('this is not audio')]), 'notes.txt');
    const refused = await fetch(`${server.httpUrl}/v1/audio/transcriptions`, { method: 'POST', headers: authorization, body: notAudio });
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /notes\.txt/);
  });
});
