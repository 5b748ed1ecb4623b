/**
 * `persona transcribe` in a child process, the way people run it: a program with only
 * this command registered (src/cli/main.ts wires it in with the others), run by the same
 * `runProgram` as `persona`, on the embedded default engine (pocketsphinx).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ffmpegPath } from '../../src/audio/ffmpeg-path.js';
import { temporaryFolder } from '../helpers/temporary-folder.js';

const librivoxClip = '/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav';

const entry = `
  import { Command } from 'commander';
  import { registerTranscribeCommand } from ${JSON.stringify(path.resolve('src/cli/commands/transcribe-command.ts'))};
  import { runProgram } from ${JSON.stringify(path.resolve('src/cli/run-program.ts'))};
  const program = new Command().name('persona').option('--home <dir>').exitOverride();
  registerTranscribeCommand(program);
  await runProgram(program, ['node', 'persona', ...process.argv.slice(1)]);
`;

function transcribe(home: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', entry, 'transcribe', ...args], {
    env: { ...process.env, PERSONA_HOME: home, PERSONA_STT_ENGINE: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('an espeak-ng WAV is transcribed to text by the default engine', (context) => {
  const home = temporaryFolder(context);
  const wav = path.join(home, 'hello.wav');
  execFileSync('espeak-ng', ['-v', 'en-us', '-w', wav, 'Hello, my name is Meera. I design bridges over the river.']);
  const run = transcribe(home, wav);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^[a-z' ]*[a-z][a-z' ]*\n$/, 'one line of words');
});

test('--json prints the text and timed segments; an Ogg copy gives the same text', (context) => {
  const home = temporaryFolder(context);
  const run = transcribe(home, librivoxClip, '--json', '--no-bias');
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { text: string; segments: Array<{ text: string; startMs?: number; endMs?: number }> };
  assert.deepEqual(Object.keys(result), ['text', 'segments']);
  assert.match(result.text, /young man/);
  assert.ok(result.segments.length > 0);
  assert.equal(result.segments.map((segment) => segment.text).join(' '), result.text);

  const ogg = path.join(home, 'clip.ogg');
  execFileSync(ffmpegPath(), ['-nostdin', '-v', 'error', '-i', librivoxClip, '-c:a', 'libopus', '-b:a', '64k', ogg]);
  const fromOgg = transcribe(home, ogg);
  assert.equal(fromOgg.status, 0, fromOgg.stderr);
  assert.equal(fromOgg.stdout.trim(), result.text);
});

test('a corrupt file is a one-line error naming it, with exit code 1', (context) => {
  const home = temporaryFolder(context);
  const file = path.join(home, 'voice-note.mp3');
  writeFileSync(file, Buffer.from('ID3 this is not really an mp3 at all '.repeat(50)));
  const run = transcribe(home, file);
  assert.equal(run.status, 1);
  assert.equal(run.stdout, '');
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.ok(lines[0]!.startsWith(`persona: ${file}: `), lines[0]);
});

test('a missing file is a one-line error before any engine starts', (context) => {
  const home = temporaryFolder(context);
  const file = path.join(home, 'nowhere.wav');
  const run = transcribe(home, file);
  assert.equal(run.status, 1);
  assert.equal(run.stderr, `persona: ${file}: does not exist\n`);
});

test('the whisper engine without its model says how to download it (exit 1)', (context) => {
  const home = temporaryFolder(context);
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', entry, 'transcribe', librivoxClip, '--engine', 'whisper'], {
    env: { ...process.env, PERSONA_HOME: home, PERSONA_MODELS: path.join(home, 'models') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^persona: Whisper model "whisper-base\.en" .* not downloaded: .*persona models pull whisper-base\.en/);
});

test('the openai engine without a server URL is a configuration error naming PERSONA_STT_URL (exit 78)', (context) => {
  const home = temporaryFolder(context);
  const run = transcribe(home, librivoxClip, '--engine', 'openai');
  assert.equal(run.status, 78);
  assert.match(run.stderr, /PERSONA_STT_URL/);
});
