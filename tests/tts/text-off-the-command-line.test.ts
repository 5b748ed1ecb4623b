/**
 * The answer text never appears on a TTS process's command line (any local user reads it
 * with `ps`), and flite's text and WAV files live only in this process's private folder
 * (0700), which a killed process leaves behind only until the next start. Real flite and
 * espeak-ng; their command lines are read from /proc while they speak.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { privateTemporaryFolder } from '../../src/private-temporary-folder.js';
import { createEspeakEngine } from '../../src/tts/espeak/espeak-engine.js';
import { createFliteEngine } from '../../src/tts/flite/flite-engine.js';
import type { TtsEngine } from '../../src/tts/tts-engine.js';

const secret = 'Anirudh Venkataraman collects his daughter from Greenwood School at half past three.';

/** Command lines of this process's children, as `ps` shows them to everyone. */
function childCommandLines(): string[][] {
  const lines: string[][] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== process.pid) continue;
      lines.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return lines;
}

async function speakWatching(engine: TtsEngine, binaryName: string): Promise<string[][]> {
  const seen: string[][] = [];
  const watch = setInterval(() => seen.push(...childCommandLines().filter((line) => line[0]?.endsWith(binaryName))), 2);
  try {
    for await (const chunk of engine.synthesize(`${secret} ${secret}`)) {
      seen.push(...childCommandLines().filter((line) => line[0]?.endsWith(binaryName)));
      assert.ok(chunk.pcm.length > 0);
    }
  } finally {
    clearInterval(watch);
    await engine.close();
  }
  return seen;
}

test('flite receives the answer text in a private file, never as a command-line argument', { timeout: 60_000 }, async () => {
  const tmpBefore = readdirSync(os.tmpdir()).filter((name) => name.startsWith('persona-flite-'));
  const seen = await speakWatching(createFliteEngine({ sampleRate: 16000 }), 'flite');
  assert.ok(seen.some((line) => line.includes('-o')), 'flite was seen speaking');
  for (const line of seen) {
    assert.ok(!line.join(' ').includes('Venkataraman'), `the text is on flite's command line: ${line.join(' ')}`);
    if (!line.includes('-o')) continue; // `flite -lv`, the voice listing
    const input = line[line.indexOf('-f') + 1]!;
    const output = line[line.indexOf('-o') + 1]!;
    const folder = privateTemporaryFolder('flite');
    assert.ok(input.startsWith(folder + path.sep) && output.startsWith(folder + path.sep), `${input} and ${output} are in the private folder`);
  }
  assert.equal(statSync(privateTemporaryFolder('flite')).mode & 0o777, 0o700);
  assert.deepEqual(readdirSync(privateTemporaryFolder('flite')), [], 'nothing is left after the answer');
  assert.deepEqual(readdirSync(os.tmpdir()).filter((name) => name.startsWith('persona-flite-')), tmpBefore, 'no /tmp/persona-flite-* folder');
});

test('espeak-ng receives the answer text on stdin, never as a command-line argument', { timeout: 60_000 }, async () => {
  const seen = await speakWatching(createEspeakEngine({ sampleRate: 16000 }), 'espeak-ng');
  assert.ok(seen.length > 0, 'espeak-ng was seen running');
  for (const line of seen) assert.ok(!line.join(' ').includes('Venkataraman'), `the text is on espeak-ng's command line: ${line.join(' ')}`);
});

test('temporary WAVs are not left behind after a kill: the next start removes them', { timeout: 60_000 }, () => {
  const script = (then: string): string[] => [
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    `import { createFliteEngine } from ${JSON.stringify(path.resolve('src/tts/flite/flite-engine.ts'))};
     import { privateTemporaryFolder } from ${JSON.stringify(path.resolve('src/private-temporary-folder.ts'))};
     import { readdirSync } from 'node:fs';
     const folder = privateTemporaryFolder('flite');
     console.log(folder);
     const engine = createFliteEngine({ sampleRate: 16000 });
     for await (const chunk of engine.synthesize(${JSON.stringify(`${secret} ${secret}`)})) {
       if (readdirSync(folder, { recursive: true }).length > 0) { ${then} }
     }
     await engine.close();`,
  ];
  const killed = spawnSync(process.execPath, script("process.kill(process.pid, 'SIGKILL');"), { encoding: 'utf8' });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  const left = killed.stdout.trim();
  assert.ok(existsSync(left) && readdirSync(left, { recursive: true }).length > 0, 'a killed process leaves its utterance folder');
  const next = spawnSync(process.execPath, script(''), { encoding: 'utf8' });
  assert.equal(next.status, 0, next.stderr);
  assert.ok(!existsSync(left), 'the next start removed it');
  assert.ok(!existsSync(next.stdout.trim()), 'a normal exit removes its own');
});
