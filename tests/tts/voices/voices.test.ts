import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { readWav } from '../../../src/stt/vad/read-wav.js';
import { createFliteEngine } from '../../../src/tts/flite/flite-engine.js';
import { TtsError, type AudioChunk } from '../../../src/tts/tts-engine.js';
import { addVoice } from '../../../src/tts/voices/add-voice.js';
import { createConsentedXttsEngine } from '../../../src/tts/voices/consented-xtts-engine.js';
import { embeddedVoiceFor, withEmbeddedVoiceMapping } from '../../../src/tts/voices/embedded-voice-mapping.js';
import { listVoices } from '../../../src/tts/voices/list-voices.js';
import { requireCloningConsent } from '../../../src/tts/voices/require-cloning-consent.js';
import { createXttsEngine } from '../../../src/tts/xtts/xtts-client.js';
import { temporaryFolder } from '../../helpers/temporary-folder.js';
import { makeClip } from './voice-clips.js';

async function collect(stream: AsyncIterable<AudioChunk>): Promise<AudioChunk[]> {
  const chunks: AudioChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function isTtsError(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof TtsError, `expected a TtsError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  };
}

test('addVoice stores clips of any format as 24 kHz mono WAV, with consent, and warns about short, few and clipped clips', async (context) => {
  const sources = temporaryFolder(context);
  const voices = path.join(temporaryFolder(context), 'voices');
  const clips = [
    makeClip(sources, 'interview one', { format: 'mp3' }),
    makeClip(sources, 'porch', { format: 'ogg', repeats: 3 }),
    makeClip(sources, 'kitchen', { format: 'flac', repeats: 6 }),
    makeClip(sources, 'loud', { format: 'wav', repeats: 2, gainDecibels: 20 }),
  ];
  const result = await addVoice(voices, 'meera', clips, { consentBy: 'Meera Krishnan', recordedBy: 'Tom Okafor', grantedAt: '2025-03-04' });

  assert.equal(result.folder, path.join(voices, 'meera'));
  assert.deepEqual(
    readdirSync(result.folder).sort(),
    ['consent.json', 'interview-one.wav', 'kitchen.wav', 'loud.wav', 'porch.wav'],
  );
  for (const clip of result.clips) {
    const wav = readWav(readFileSync(clip.file), clip.file);
    assert.equal(wav.sampleRate, 24000);
    assert.ok(Math.abs(wav.samples.length / 24000 - clip.quality.seconds) < 0.01);
  }
  const [short, medium, long, loud] = result.clips.map((clip) => clip.quality);
  assert.ok(short!.seconds > 3 && short!.seconds < 10, `${short!.seconds}`);
  assert.ok(medium!.seconds > 10 && medium!.seconds < 30, `${medium!.seconds}`);
  assert.ok(long!.seconds > 30, `${long!.seconds}`);
  assert.ok(loud!.clippedSamples > 100, `${loud!.clippedSamples} clipped`);
  assert.equal(medium!.clippedSamples, 0);

  const warnings = result.warnings.join('\n');
  assert.match(warnings, /interview one\.mp3: .* is short/);
  assert.match(warnings, /kitchen\.flac: .* is long/);
  assert.match(warnings, /loud\.wav: clipped/);
  assert.doesNotMatch(warnings, /porch/);
  assert.match(warnings, /has 4 clips; 5–10/);

  const consent = JSON.parse(readFileSync(path.join(result.folder, 'consent.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(consent, { voice: 'meera', consentBy: 'Meera Krishnan', grantedAt: '2025-03-04', purposes: ['voice-cloning'], recordedBy: 'Tom Okafor' });

  // A second add extends the voice without overwriting a clip of the same name.
  const again = await addVoice(voices, 'meera', [clips[1]!], { consentBy: 'Meera Krishnan' });
  assert.equal(path.basename(again.clips[0]!.file), 'porch-2.wav');
  assert.equal(again.clipCount, 5);
  assert.doesNotMatch(again.warnings.join('\n'), /clips; 5–10/);
});

test('an unreadable clip is refused by name and nothing is written', async (context) => {
  const sources = temporaryFolder(context);
  const voices = path.join(temporaryFolder(context), 'voices');
  const good = makeClip(sources, 'good');
  const bad = path.join(sources, 'notes.wav');
  writeFileSync(bad, 'this is not audio at all');
  await assert.rejects(addVoice(voices, 'tom', [good, bad], { consentBy: 'Tom' }), isTtsError(/notes\.wav: not an audio file ffmpeg can read/));
  await assert.rejects(addVoice(voices, 'tom', [path.join(sources, 'missing.mp3')], { consentBy: 'Tom' }), isTtsError(/missing\.mp3: no such file/));
  assert.equal(existsSync(path.join(voices, 'tom')), false);
});

test('bad names and bad consent are refused before any clip is read', async (context) => {
  const voices = temporaryFolder(context);
  const clip = makeClip(temporaryFolder(context), 'clip');
  for (const name of ['../escape', '', '-rf', 'a/b', 'x'.repeat(65)]) {
    await assert.rejects(addVoice(voices, name, [clip], { consentBy: 'Someone' }), isTtsError(/voice name .* is not valid/));
  }
  await assert.rejects(addVoice(voices, 'tom', [clip], { consentBy: '  ' }), isTtsError(/consentBy: must name who consented/));
  await assert.rejects(addVoice(voices, 'tom', [clip], { consentBy: 'Tom', grantedAt: 'last Tuesday' }), isTtsError(/grantedAt: must be an ISO 8601 date/));
  await assert.rejects(addVoice(voices, 'tom', [], { consentBy: 'Tom' }), isTtsError(/at least one reference clip/));
  assert.deepEqual(readdirSync(voices), []);
});

test('listVoices shows clips, length and consent; only voice-cloning consent makes a voice clonable', async (context) => {
  const sources = temporaryFolder(context);
  const voices = path.join(temporaryFolder(context), 'voices');
  const clip = makeClip(sources, 'clip', { format: 'mp3' });
  await addVoice(voices, 'meera', [clip, clip], { consentBy: 'Meera Krishnan', purposes: ['voice-cloning', 'public-demo'] });
  await addVoice(voices, 'narrator', [clip], { consentBy: 'Sam Narrator', purposes: ['transcription-tests'] });
  // A folder someone copied clips into by hand, with no consent, and one with a broken consent.json.
  mkdirSync(path.join(voices, 'stranger'));
  writeFileSync(path.join(voices, 'stranger', 'speech.mp3'), readFileSync(clip));
  mkdirSync(path.join(voices, 'broken'));
  writeFileSync(path.join(voices, 'broken', 'consent.json'), JSON.stringify({ voice: 'broken', consentBy: 'X', grantedAt: '2025-01-01', purposes: [] }));
  writeFileSync(path.join(voices, 'README.md'), '# not a voice');

  const listings = await listVoices(voices);
  assert.deepEqual(
    listings.map((voice) => [voice.name, voice.clips.length, voice.usableForCloning]),
    [
      ['broken', 0, false],
      ['meera', 2, true],
      ['narrator', 1, false],
      ['stranger', 1, false],
    ],
  );
  const meera = listings.find((voice) => voice.name === 'meera')!;
  assert.deepEqual(meera.consent?.purposes, ['voice-cloning', 'public-demo']);
  assert.equal(meera.consent?.consentBy, 'Meera Krishnan');
  assert.ok(Math.abs(meera.totalSeconds - 2 * meera.clips[0]!.seconds!) < 0.01);
  const stranger = listings.find((voice) => voice.name === 'stranger')!;
  assert.equal(stranger.consentProblem, 'no consent.json');
  assert.ok(Math.abs(stranger.clips[0]!.seconds! - meera.clips[0]!.seconds!) < 0.2, 'an mp3 dropped in by hand is measured by ffmpeg');
  assert.match(listings[0]!.consentProblem!, /purposes: must list at least one purpose/);
  assert.deepEqual(await listVoices(path.join(voices, 'nowhere')), []);
});

test('requireCloningConsent refuses missing, broken and non-cloning consent, naming the voice', async (context) => {
  const voices = temporaryFolder(context);
  const clip = makeClip(temporaryFolder(context), 'clip');
  await addVoice(voices, 'meera', [clip], { consentBy: 'Meera Krishnan' });
  await addVoice(voices, 'narrator', [clip], { consentBy: 'Sam', purposes: ['public-demo'] });
  mkdirSync(path.join(voices, 'stranger'));
  mkdirSync(path.join(voices, 'copied'));
  writeFileSync(path.join(voices, 'copied', 'consent.json'), JSON.stringify({ voice: 'meera', consentBy: 'M', grantedAt: '2025-01-01', purposes: ['voice-cloning'] }));

  assert.equal((await requireCloningConsent(voices, 'meera')).consentBy, 'Meera Krishnan');
  await assert.rejects(requireCloningConsent(voices, 'stranger'), isTtsError(/voice "stranger" has no consent\.json: cloning refused/));
  await assert.rejects(requireCloningConsent(voices, 'narrator'), isTtsError(/consent of Sam covers public-demo but not voice-cloning/));
  await assert.rejects(requireCloningConsent(voices, 'copied'), isTtsError(/"voice" is "meera" but the folder is "copied"/));
  await assert.rejects(requireCloningConsent(voices, 'nobody'), isTtsError(/voice "nobody": no folder/));
  await assert.rejects(requireCloningConsent(voices, '../meera'), isTtsError(/not valid/));
});

test('the XTTS engine refuses a voice without consent before any request, and streams one with consent', async (context) => {
  const voices = temporaryFolder(context);
  const clip = makeClip(temporaryFolder(context), 'clip');
  await addVoice(voices, 'meera', [clip], { consentBy: 'Meera Krishnan' });
  mkdirSync(path.join(voices, 'stranger'));
  const requests: string[] = [];
  // The far side of the network: a worker speaking the XTTS protocol (workers/xtts/README.md).
  const worker = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (data: Buffer) => parts.push(data));
    req.on('end', () => {
      requests.push((JSON.parse(Buffer.concat(parts).toString('utf8')) as { voice: string }).voice);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-sample-rate': '24000' });
      res.end(Buffer.from(new Int16Array([1, 2, 3, 4]).buffer));
    });
  });
  worker.listen(0, '127.0.0.1');
  await once(worker, 'listening');
  context.after(() => worker.close());
  const client = createXttsEngine({ workers: [`http://127.0.0.1:${(worker.address() as AddressInfo).port}`], healthIntervalMs: 0 });
  const engine = createConsentedXttsEngine(client, { voicesFolder: voices });
  context.after(() => engine.close());
  assert.equal(engine.id, 'xtts');
  assert.deepEqual(engine.capabilities, { streaming: true, cloning: true, sampleRate: 24000 });

  await assert.rejects(collect(engine.synthesize('Hello.', { voice: 'stranger' })), isTtsError(/no consent\.json: cloning refused/));
  await assert.rejects(collect(engine.synthesize('Hello.')), isTtsError(/name a voice to clone/));
  assert.deepEqual(requests, [], 'nothing was sent for a voice without consent');
  const chunks = await collect(engine.synthesize('Hello.', { voice: 'meera' }));
  assert.deepEqual(chunks.flatMap((chunk) => [...chunk.pcm]), [1, 2, 3, 4]);
  assert.deepEqual(requests, ['meera']);
});

test('an embedded engine asked for a voice folder uses its voice.json mapping, or its own default', async (context) => {
  const voices = temporaryFolder(context);
  mkdirSync(path.join(voices, 'meera'));
  writeFileSync(path.join(voices, 'meera', 'voice.json'), JSON.stringify({ embedded: { flite: 'kal', espeak: 'en-us+f3' } }));
  mkdirSync(path.join(voices, 'tom'));
  assert.equal(await embeddedVoiceFor(voices, 'flite', 'meera'), 'kal');
  assert.equal(await embeddedVoiceFor(voices, 'espeak', 'meera'), 'en-us+f3');
  assert.equal(await embeddedVoiceFor(voices, 'flite', 'tom'), undefined);
  assert.equal(await embeddedVoiceFor(voices, 'flite', 'awb'), 'awb', 'engine voice names pass through');

  const flite = createFliteEngine();
  const mapped = withEmbeddedVoiceMapping(flite, voices);
  const samples = async (engine: typeof flite | typeof mapped, voice?: string) =>
    (await collect(engine.synthesize('Hello there.', { voice }))).reduce((sum, chunk) => sum + chunk.pcm.length, 0);
  assert.equal(await samples(mapped, 'meera'), await samples(flite, 'kal'));
  assert.equal(await samples(mapped, 'tom'), await samples(flite));
  assert.notEqual(await samples(flite, 'kal'), await samples(flite));

  writeFileSync(path.join(voices, 'tom', 'voice.json'), '{ not json');
  await assert.rejects(collect(mapped.synthesize('Hello.', { voice: 'tom' })), isTtsError(/voice\.json is not valid JSON/));
});
