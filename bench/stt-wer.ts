/**
 * Word error rate of the pocketsphinx engine, with and without the persona bias, on
 * pocketsphinx-testdata's transcribed recordings (LibriVox, cards; through `transcribeFile`, as `persona transcribe` runs them) and on questions about
 * the sample persona spoken by espeak-ng and flite; plus the median time from the end of
 * an utterance's audio to its final transcript (audio streamed at real-time pace).
 *
 *   node --import tsx bench/stt-wer.ts [--weights 0.3,0.5,0.7] [--paced N]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { ingestSamplePersona } from '../src/cli/sample-persona.js';
import { openStore } from '../src/store/store.js';
import { loadPersonaBias } from '../src/stt/persona-bias.js';
import { transcribeFile } from '../src/stt/transcribe-file.js';
import { createPocketsphinxEngine, defaultDomainWeight, type PocketsphinxEngine } from '../src/stt/pocketsphinx/pocketsphinx-engine.js';
import type { SttBias } from '../src/stt/stt-engine.js';
import { readWav } from '../src/stt/vad/read-wav.js';
import { resample } from '../src/stt/vad/resample.js';
import { corpusWordErrorRate, wordErrorRate, type WordErrorRate } from '../src/stt/word-error-rate.js';

const argumentsGiven = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const index = argumentsGiven.indexOf(name);
  return index >= 0 ? argumentsGiven[index + 1] : undefined;
};
const weights = (option('--weights') ?? String(defaultDomainWeight)).split(',').map(Number);
const pacedCount = Number(option('--paced') ?? 5);

const testData = '/usr/share/pocketsphinx/test/data';

interface Utterance {
  name: string;
  reference: string;
  samples: Float32Array;
  /** A real recording: scored through `transcribeFile`, the code path of `persona transcribe FILE`. */
  file?: string;
}

function readTranscribed(folder: string, transcriptionFile: string): Utterance[] {
  if (!existsSync(transcriptionFile)) return [];
  const utterances: Utterance[] = [];
  for (const line of readFileSync(transcriptionFile, 'utf8').split('\n')) {
    const match = /^(.*)\(([^)]+)\)\s*$/.exec(line);
    if (!match) continue;
    const file = path.join(folder, `${match[2]}.wav`);
    const wav = readWav(readFileSync(file), file);
    utterances.push({ name: match[2]!, reference: match[1]!, samples: resample(wav.samples, wav.sampleRate, 16000), file });
  }
  return utterances;
}

const questions = [
  'Tell me about Kaveri Bridgeworks.',
  'What do you think about footbridges in Chennai?',
  'Where did you grow up, Meera?',
  'How is the Adyar creek footbridge going?',
  'What happened with the borehole logs?',
  'Why did you stop hanging pipes under bridges?',
  'Tell me about the harbour walk drainage proposal.',
  'How is your niece Anika doing with her cycle?',
  'What do you think about monsoon drainage?',
  'Do you still drink filter coffee every morning?',
  'What first made you want to become a structural engineer?',
  'What did the council say about the scupper spacing?',
  'Tell me about your talk on footbridges that breathe.',
  'Who is Tom Okafor?',
  'What was the site visit like?',
];

function speak(voice: 'espeak' | 'flite', text: string, folder: string): Float32Array {
  let bytes: Buffer;
  if (voice === 'espeak') bytes = execFileSync('espeak-ng', ['-v', 'en-us', '--stdout', text]);
  else {
    const file = path.join(folder, 'flite.wav');
    execFileSync('flite', ['-voice', 'kal16', '-t', text, '-o', file]);
    bytes = readFileSync(file);
  }
  const wav = readWav(bytes, `${voice} output`);
  return resample(wav.samples, wav.sampleRate, 16000);
}

async function* chunks(samples: Float32Array, paced: boolean, onEnd: () => void): AsyncGenerator<Float32Array> {
  const started = performance.now();
  for (let start = 0; start < samples.length; start += 320) {
    if (paced) {
      const due = started + (start / 16000) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    yield samples.slice(start, start + 320);
  }
  onEnd();
}

async function run(engine: PocketsphinxEngine, utterance: Utterance, bias: SttBias | undefined, paced: boolean): Promise<{ text: string; result: WordErrorRate; latencyMs: number }> {
  if (utterance.file && !paced) {
    const started = performance.now();
    const { text } = await transcribeFile(engine, utterance.file, { bias });
    return { text, result: wordErrorRate(utterance.reference, text), latencyMs: performance.now() - started };
  }
  let ended = 0;
  let text = '';
  let latencyMs = 0;
  for await (const event of engine.transcribe(chunks(utterance.samples, paced, () => (ended = performance.now())), { bias })) {
    if (event.type === 'transcript-final') {
      text = event.text;
      latencyMs = performance.now() - ended;
    }
  }
  return { text, result: wordErrorRate(utterance.reference, text), latencyMs };
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

const scratch = mkdtempSync(path.join(os.tmpdir(), 'persona-stt-wer-'));
try {
  // The bias comes from the sample persona, ingested into a scratch store as `persona ingest` would.
  const config = loadConfig({ environment: { PERSONA_HOME: scratch, PERSONA_ENCRYPT: 'false' }, configFile: false });
  const store = openStore(config);
  await ingestSamplePersona(store, config);
  const biasStarted = performance.now();
  const bias = loadPersonaBias(store, 'meera');
  const biasMs = performance.now() - biasStarted;
  store.close();

  const sets: [string, Utterance[]][] = [
    ['librivox', readTranscribed(path.join(testData, 'librivox'), path.join(testData, 'librivox', 'transcription'))],
    ['cards', readTranscribed(path.join(testData, 'cards'), path.join(testData, 'cards', 'cards.transcription'))],
    ['espeak questions', questions.map((question, index) => ({ name: `q${index + 1}`, reference: question, samples: speak('espeak', question, scratch) }))],
    ['flite questions', questions.map((question, index) => ({ name: `q${index + 1}`, reference: question, samples: speak('flite', question, scratch) }))],
  ];

  console.log(`bias: ${bias.phrases.length} phrases, ${bias.phrases.join(' ').length} characters, loaded in ${biasMs.toFixed(0)} ms`);
  const cacheFolder = path.join(scratch, 'cache');
  for (const weight of weights) {
    const engine = createPocketsphinxEngine({ cacheFolder, domainWeight: weight });
    try {
      let started = performance.now();
      const model = await engine.biasedModel(bias);
      const coldMs = performance.now() - started;
      started = performance.now();
      await engine.biasedModel({ phrases: [...bias.phrases, 'One more sentence.'] });
      const warmMs = performance.now() - started;
      console.log(`\n== domain weight ${weight} ==`);
      console.log(`biased model: ${model.vocabularySize} words; first build ${coldMs.toFixed(0)} ms (includes pruning the general model on the first weight only), rebuild for a changed bias ${warmMs.toFixed(0)} ms`);
      console.log(`generated pronunciations (${model.generatedWords.length}): ${model.generatedWords.join(', ')}`);
      console.log(`dropped (${model.droppedWords.length}): ${model.droppedWords.slice(0, 40).join(', ')}${model.droppedWords.length > 40 ? ', …' : ''}`);
      const loadStarted = performance.now();
      execFileSync('pocketsphinx_continuous', ['-infile', '/dev/null', '-lm', model.languageModelFile, '-dict', model.dictionaryFile, '-logfn', '/dev/null']);
      const biasedLoadMs = performance.now() - loadStarted;
      const defaultStarted = performance.now();
      execFileSync('pocketsphinx_continuous', ['-infile', '/dev/null', '-logfn', '/dev/null']);
      console.log(`decoder start with models loaded: biased ${biasedLoadMs.toFixed(0)} ms, default ${(performance.now() - defaultStarted).toFixed(0)} ms`);

      for (const [name, utterances] of sets) {
        if (utterances.length === 0) continue;
        console.log(`\n${name}:`);
        const results: Record<'plain' | 'biased', WordErrorRate[]> = { plain: [], biased: [] };
        const latencies: Record<'plain' | 'biased', number[]> = { plain: [], biased: [] };
        for (const [index, utterance] of utterances.entries()) {
          const paced = name === 'espeak questions' && index < pacedCount;
          const plain = await run(engine, utterance, undefined, paced);
          const biased = await run(engine, utterance, bias, paced);
          results.plain.push(plain.result);
          results.biased.push(biased.result);
          if (paced) {
            latencies.plain.push(plain.latencyMs);
            latencies.biased.push(biased.latencyMs);
          }
          console.log(`  ${utterance.name.padEnd(44)} plain ${percent(plain.result.wer).padStart(6)}  biased ${percent(biased.result.wer).padStart(6)}   "${biased.text}"`);
        }
        const plain = corpusWordErrorRate(results.plain);
        const biased = corpusWordErrorRate(results.biased);
        console.log(`  corpus WER (${plain.referenceWords} words): plain ${percent(plain.wer)}, biased ${percent(biased.wer)}`);
        if (latencies.plain.length > 0) {
          console.log(`  median end of audio → final (real-time streaming, ${latencies.plain.length} utterances): plain ${median(latencies.plain).toFixed(0)} ms, biased ${median(latencies.biased).toFixed(0)} ms`);
        }
      }
    } finally {
      await engine.close();
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
