/**
 * Batch throughput with the embedded engines (recall + flite over the sample persona): answers
 * per minute at concurrency 1 and 2, 12 questions a run, median of 3 runs each, WAV output.
 * Run: node --import tsx bench/batch-throughput.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkQuestions } from '../src/batch/read-questions.js';
import { runBatch } from '../src/batch/run-batch.js';
import { loadConfig } from '../src/config.js';
import { ingestSamplePersona, samplePersona } from '../src/cli/sample-persona.js';
import { openStore } from '../src/store/store.js';
import { openPersonaRuntime } from '../src/voice/persona-runtime.js';

const questions = [
  'What do you drink in the morning?', 'Where did you grow up?', 'How do you handle a deadline?', 'What do you do on weekends?',
  'What was your first bridge?', 'Do you like trains?', 'What do you read?', 'How do you run a meeting?',
  'What is your advice to young engineers?', 'What food do you cook?', 'How do you deal with conflict?', 'What music do you like?',
];
const runs = 3;

const home = mkdtempSync(path.join(os.tmpdir(), 'persona-bench-batch-'));
try {
  const config = loadConfig({ environment: { PERSONA_HOME: home, PERSONA_VOICES: path.join(home, 'voices') }, configFile: false });
  const store = openStore(config);
  await ingestSamplePersona(store, config);
  await using runtime = await openPersonaRuntime(config, { store });
  const { questions: batch } = checkQuestions(questions.map((question, index) => ({ line: index + 1, input: { question } })));
  // Warm-up: opens the persona's retrieval, so the first timed run does not pay for it.
  await runBatch({ runtime, questions: batch.slice(0, 1), options: { persona: samplePersona.id, format: 'wav', video: false }, outFolder: path.join(home, 'warm-up') });
  for (const concurrency of [1, 2]) {
    const rates: number[] = [];
    let audio = 0;
    for (let run = 0; run < runs; run++) {
      const summary = await runBatch({ runtime, questions: batch, options: { persona: samplePersona.id, format: 'wav', video: false }, outFolder: path.join(home, `c${concurrency}-${run}`), concurrency });
      if (summary.failed > 0) throw new Error(`${summary.failed} items failed`);
      rates.push(summary.answersPerMinute);
      audio = summary.audioSeconds;
    }
    rates.sort((a, b) => a - b);
    console.log(`batch concurrency ${concurrency}: ${rates[Math.floor(rates.length / 2)]!.toFixed(1)} answers/min (median of ${runs} runs of ${batch.length} questions, ${audio.toFixed(0)} s of audio each; runs: ${rates.map((rate) => rate.toFixed(1)).join(', ')})`);
  }
  store.close();
} finally {
  rmSync(home, { recursive: true, force: true });
}
