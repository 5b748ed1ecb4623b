/** `npm run bench`: every benchmark in turn, each in its own process, printing its figures. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = path.dirname(fileURLToPath(import.meta.url));
const benchmarks: [string, ...string[]][] = [
  ['ingest-throughput.ts'],
  ['mbox-memory.ts'],
  ['embedding-use-lite.ts'],
  ['embedding-onnx.ts'],
  ['search-latency.ts'],
  ['llm-llama.ts'],
  ['lora-pipeline.ts'],
  ['stt-wer.ts'],
  ['voice-latency.ts'],
  ['sessions-soak.ts'],
  ['batch-throughput.ts'],
];

for (const [file, ...args] of benchmarks) {
  process.stdout.write(`\n== ${file} ==\n`);
  execFileSync(process.execPath, ['--import', 'tsx', path.join(folder, file), ...args], { stdio: 'inherit' });
}
