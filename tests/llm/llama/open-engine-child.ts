/**
 * Run as a child process by malformed-gguf.test.ts: opens the llama engine on the model (and
 * optionally applies the adapter) named on the command line, and prints the outcome as
 * one JSON line. llama.cpp can abort the whole process on a malformed file; in a child, a
 * native abort fails one test instead of killing the test runner.
 */
import { createLlamaEngine } from '../../../src/llm/llama/llama-engine.js';
import { PersonaError } from '../../../src/errors.js';

const [modelPath, adapterPath] = process.argv.slice(2);
if (modelPath === undefined) throw new Error('usage: open-engine-child.ts MODEL [ADAPTER]');

try {
  const engine = await createLlamaEngine({ modelPath, gpu: false, threads: 1 });
  try {
    let text = '';
    const adapter = adapterPath === undefined ? undefined : { id: 'under-test', filePath: adapterPath };
    for await (const delta of engine.generate({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 4, temperature: 0, ...(adapter ? { adapter } : {}) })) {
      text += delta.text;
    }
    console.log(JSON.stringify({ outcome: 'answered', text }));
  } finally {
    await engine.close();
  }
} catch (error) {
  const described = error instanceof PersonaError ? { name: error.name, code: error.code, message: error.message } : { name: (error as Error).name, message: String(error) };
  console.log(JSON.stringify({ outcome: 'failed', ...described }));
}
