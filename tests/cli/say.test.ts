/** `persona say`, run as a real child process (tests/tts/voices/voice-commands-program.ts). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ffmpegPath } from '../../src/audio/ffmpeg-path.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

const program = path.resolve('tests/tts/voices/voice-commands-program.ts');

function persona(home: string, args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', program, ...args], {
    env: { ...process.env, PERSONA_HOME: home, PERSONA_VOICES: path.join(home, 'voices'), PERSONA_TTS_ENGINE: '', PERSONA_CONFIG: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function decodedSeconds(file: string): { codec: string; seconds: number } {
  const result = spawnSync(ffmpegPath(), ['-hide_banner', '-i', file, '-f', 's16le', '-ac', '1', '-ar', '16000', 'pipe:1'], { maxBuffer: 64 * 1024 * 1024 });
  assert.equal(result.status, 0, result.stderr.toString());
  return { codec: /Audio: (\w+)/.exec(result.stderr.toString())?.[1] ?? '', seconds: result.stdout.length / 2 / 16000 };
}

test('say writes wav, mp3 and ogg files that decode, and prints the path, duration and engine', (context) => {
  const home = temporaryFolder(context);
  const codecs = { wav: 'pcm_s16le', mp3: 'mp3', ogg: 'opus' } as const;
  for (const format of ['wav', 'mp3', 'ogg'] as const) {
    const out = path.join(home, 'out', `hello.${format}`);
    const run = persona(home, ['say', 'Hello there, this is a test of the persona voice.', '--out', out]);
    assert.equal(run.status, 0, run.stderr);
    const match = new RegExp(`^${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  ([\\d.]+) s  ${format}  engine flite\\n$`).exec(run.stdout);
    assert.ok(match, run.stdout);
    const decoded = decodedSeconds(out);
    assert.equal(decoded.codec, codecs[format]);
    assert.ok(decoded.seconds > 1.5, `${format}: ${decoded.seconds} s`);
    assert.ok(Math.abs(decoded.seconds - Number(match[1])) < 0.15, `${format}: ${decoded.seconds} s decoded vs ${match[1]} s printed`);
  }
  // Only the finished files: no temporary file is left behind.
  assert.deepEqual(readdirSync(path.join(home, 'out')).sort(), ['hello.mp3', 'hello.ogg', 'hello.wav']);
});

test('say takes --engine and --voice, and reports as JSON', (context) => {
  const home = temporaryFolder(context);
  const out = path.join(home, 'espeak.wav');
  const run = persona(home, ['say', 'Hello there.', '--out', out, '--engine', 'espeak', '--voice', 'en-us', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { file: string; engine: string; voice: string; seconds: number; sampleRate: number };
  assert.equal(report.file, out);
  assert.equal(report.engine, 'espeak');
  assert.equal(report.voice, 'en-us');
  assert.equal(report.sampleRate, 24000);
  assert.ok(report.seconds > 0.3);
  assert.ok(Math.abs(decodedSeconds(out).seconds - report.seconds) < 0.05);
});

test('say refuses an unsupported extension, an unknown voice and a voice without consent, writing nothing', (context) => {
  const home = temporaryFolder(context);
  const flac = persona(home, ['say', 'Hello.', '--out', path.join(home, 'hello.flac')]);
  assert.equal(flac.status, 1);
  assert.match(flac.stderr, /hello\.flac: cannot write \.flac audio; use \.wav, \.mp3 or \.ogg/);
  const voice = persona(home, ['say', 'Hello.', '--out', path.join(home, 'hello.wav'), '--voice', 'nobody']);
  assert.equal(voice.status, 1);
  assert.match(voice.stderr, /flite: unknown voice "nobody"; this flite has: .*slt/);
  const xtts = spawnSync(process.execPath, ['--import', 'tsx', program, 'say', 'Hello.', '--out', path.join(home, 'hello.ogg'), '--engine', 'xtts', '--voice', 'meera'], {
    env: { ...process.env, PERSONA_HOME: home, PERSONA_VOICES: path.join(home, 'voices'), PERSONA_XTTS_URLS: 'http://127.0.0.1:9' },
    encoding: 'utf8',
  });
  assert.equal(xtts.status, 1);
  assert.match(xtts.stderr, /voice "meera": no folder/);
  const engine = persona(home, ['say', 'Hello.', '--out', path.join(home, 'hello.wav'), '--engine', 'festival']);
  assert.notEqual(engine.status, 0);
  assert.match(engine.stderr, /Allowed choices are flite, espeak, xtts, openai/);
  assert.equal(existsSync(path.join(home, 'hello.wav')), false);
  assert.equal(existsSync(path.join(home, 'hello.ogg')), false);
});
