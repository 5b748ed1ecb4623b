/** `persona voices add | list`, run as a real child process (tests/tts/voices/voice-commands-program.ts). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { temporaryFolder } from '../helpers/temporary-folder.js';
import { makeClip } from '../tts/voices/voice-clips.js';

const program = path.resolve('tests/tts/voices/voice-commands-program.ts');

function persona(home: string, args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', program, ...args], {
    env: { ...process.env, PERSONA_HOME: home, PERSONA_VOICES: path.join(home, 'voices'), PERSONA_CONFIG: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('voices add records clips and consent, warns, prints the licence notice; voices list shows it', (context) => {
  const home = temporaryFolder(context);
  const sources = temporaryFolder(context);
  const clips = [makeClip(sources, 'one', { format: 'mp3', repeats: 2 }), makeClip(sources, 'two', { format: 'ogg', repeats: 2 })];
  const added = persona(home, ['voices', 'add', 'meera', ...clips, '--consent-by', 'Meera Krishnan', '--recorded-by', 'Tom Okafor']);
  assert.equal(added.status, 0, added.stderr);
  assert.match(added.stdout, /^Voice "meera": 2 clips added \(2 in all\)/);
  assert.match(added.stdout, /one\.mp3 → one\.wav {2}\d+\.\d s {2}peak -?\d+\.\d dBFS/);
  assert.match(added.stdout, /Consent: Meera Krishnan, \d{4}-\d\d-\d\dT.*, for voice-cloning/);
  assert.match(added.stderr, /warning: voice "meera" has 2 clips; 5–10/);
  assert.match(added.stderr, /Coqui Public Model License \(CPML\): NON-COMMERCIAL/);
  assert.ok(existsSync(path.join(home, 'voices', 'meera', 'consent.json')));

  const demo = persona(home, ['voices', 'add', 'narrator', clips[0]!, '--consent-by', 'Sam', '--purpose', 'public-demo', '--json']);
  assert.equal(demo.status, 0, demo.stderr);
  const result = JSON.parse(demo.stdout) as { voice: string; consent: { purposes: string[] }; clips: unknown[] };
  assert.deepEqual([result.voice, result.consent.purposes, result.clips.length], ['narrator', ['public-demo'], 1]);
  assert.doesNotMatch(demo.stderr, /CPML/, 'no cloning consent, no cloning notice');

  const listed = persona(home, ['voices', 'list']);
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /^meera {2}2 clips, \d+\.\d s {2}cloning: yes\n {2}consent: Meera Krishnan, .*, for voice-cloning\n/m);
  assert.match(listed.stdout, /^narrator {2}1 clip, \d+\.\d s {2}cloning: no \(consent does not cover voice-cloning\)/m);
  assert.match(listed.stderr, /CPML/);

  const json = JSON.parse(persona(home, ['voices', 'list', '--json']).stdout) as { name: string; usableForCloning: boolean; totalSeconds: number }[];
  assert.deepEqual(
    json.map((voice) => [voice.name, voice.usableForCloning]),
    [
      ['meera', true],
      ['narrator', false],
    ],
  );
  assert.ok(json[0]!.totalSeconds > 15);
});

test('voices add refuses an unreadable clip by name and a missing --consent-by', (context) => {
  const home = temporaryFolder(context);
  const missing = persona(home, ['voices', 'add', 'tom', path.join(home, 'nope.wav'), '--consent-by', 'Tom']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^persona: .*nope\.wav: no such file\n$/);
  const clip = makeClip(temporaryFolder(context), 'clip');
  const noConsent = persona(home, ['voices', 'add', 'tom', clip]);
  assert.notEqual(noConsent.status, 0);
  assert.match(noConsent.stderr, /required option '--consent-by <who>' not specified/);
  assert.equal(existsSync(path.join(home, 'voices', 'tom')), false);
  const empty = persona(home, ['voices', 'list']);
  assert.match(empty.stdout, /^No voices in .*voices\. Add one with: persona voices add NAME CLIPS… --consent-by "…"\n$/);
});
