/**
 * Perplexity of a known reply on real llama.cpp: the tiny model, with and without a tiny
 * LoRA adapter. The weights are noise, so the figures mean nothing; what is checked is that
 * they are real probabilities (finite, above 1, reproducible, lower for the model's own
 * greedy answer than for noise) and that the adapter changes them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type LlamaEngine, createLlamaEngine } from '../../../src/llm/llama/llama-engine.js';
import { type TinyModelFiles, writeTinyModelFiles } from '../../../src/llm/llama/tiny-llama-model.js';
import type { ChatMessage } from '../../../src/llm/llm-engine.js';
import { makeTemporaryFolder } from '../../helpers/temporary-folder-per-file.js';

const folder = makeTemporaryFolder('score-text');
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are Meera. Answer in her words.' },
  { role: 'user', content: 'What do you drink in the morning?' },
];
const reply = 'Filter coffee, made the slow way, before anyone else is up.';

let files: TinyModelFiles;
let engine: LlamaEngine;

before(async () => {
  files = writeTinyModelFiles(folder);
  engine = await createLlamaEngine({ modelPath: files.modelPath, gpu: false });
});

after(async () => {
  await engine.close();
});

describe('scoreText on the tiny GGUF', () => {
  it('gives a finite perplexity above 1 for the base model, and a different one with a LoRA', async () => {
    const base = await engine.scoreText({ messages, reply });
    const tuned = await engine.scoreText({ messages, reply, adapter: { id: 'tiny-a', filePath: files.adapterAPath } });
    assert.ok(base !== undefined && tuned !== undefined);
    for (const score of [base, tuned]) {
      assert.ok(Number.isFinite(score.perplexity) && score.perplexity > 1, `perplexity ${score.perplexity}`);
      assert.ok(score.logProbability < 0);
      // Byte-fallback vocabulary: one token per character (the first space is trimmed).
      assert.equal(score.tokens, reply.length);
      assert.equal(score.droppedPromptTokens, 0);
    }
    assert.notEqual(base.perplexity, tuned.perplexity);
  });

  it('is reproducible, and the same prompt cache can then still generate', async () => {
    const first = await engine.scoreText({ messages, reply });
    const second = await engine.scoreText({ messages, reply });
    assert.equal(first?.perplexity, second?.perplexity);
    let text = '';
    for await (const delta of engine.generate({ messages, maxTokens: 8, temperature: 0 })) text += delta.text;
    assert.ok(text.length > 0);
    // Scoring after a generation clears what the generation left in the sequence.
    assert.equal((await engine.scoreText({ messages, reply }))?.perplexity, first?.perplexity);
  });

  it('scores a reply the model expects lower than one it does not', async () => {
    // The tiny model's own greedy answer is, token by token, its most likely continuation.
    let own = '';
    for await (const delta of engine.generate({ messages, maxTokens: 24, temperature: 0 })) own += delta.text;
    const ownScore = await engine.scoreText({ messages, reply: own });
    const otherScore = await engine.scoreText({ messages, reply: 'zzzz qqqq xxxx jjjj kkkk' });
    assert.ok(ownScore !== undefined && otherScore !== undefined);
    assert.ok(ownScore.perplexity < otherScore.perplexity, `${ownScore.perplexity} vs ${otherScore.perplexity}`);
  });

  it('returns undefined when aborted before it starts', async () => {
    assert.equal(await engine.scoreText({ messages, reply, signal: AbortSignal.abort() }), undefined);
  });
});
