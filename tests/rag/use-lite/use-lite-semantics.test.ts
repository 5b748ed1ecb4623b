/**
 * USE lite is the embedded default for retrieval: real paraphrases, with few words in
 * common, must sit closer than unrelated texts, and questions must find their passages.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createUseLiteEmbedder, type UseLiteEmbedder } from '../../../src/rag/use-lite/use-lite-embedder.js';

let embedder: UseLiteEmbedder;
before(async () => {
  embedder = await createUseLiteEmbedder();
});
after(() => embedder.close());

function cosine(left: Float32Array, right: Float32Array): number {
  return left.reduce((sum, value, index) => sum + value * right[index]!, 0);
}

/** [anchor, paraphrase, unrelated]. Measured margins are 0.27–0.59; 0.1 is asked. */
const triples: Array<[string, string, string]> = [
  [
    'How do you keep a footbridge from flooding in the monsoon?',
    'The drainage scupper spacing keeps rainwater off the deck during heavy rains',
    'My niece learned to ride a bicycle last weekend',
  ],
  ['When is the site inspection?', 'We will visit the bridge location on Friday morning to check the work.', 'I prefer my filter coffee with a little sugar.'],
  [
    'Who is bringing coffee to Sunday lunch?',
    'I’ll pick up a packet of filter coffee from the roaster for the weekend meal.',
    'The borehole logs show soft clay down to eleven metres.',
  ],
  [
    'Is the ground strong enough for the foundations?',
    'Borehole results show soft clay to eleven metres under the north abutment.',
    'Happy birthday, hope you have a lovely day!',
  ],
  ['The little girl is learning to cycle.', 'My niece learned to ride a bicycle last weekend.', 'Stainless steel scuppers discharge clear of the girders.'],
  [
    'What did the council say about the stormwater connection?',
    'The city approved discharging the bridge runoff into the Beach Road drain.',
    'Training wheels are off and she is ready to ride.',
  ],
  [
    'How much rain were the drains designed for?',
    'We sized the scuppers for 100 mm per hour, a little above the design storm.',
    'Love to Vikram and the little monkey.',
  ],
];

test('a paraphrase is closer than an unrelated text', async () => {
  for (const [anchor, paraphrase, unrelated] of triples) {
    const [anchorVector, paraphraseVector, unrelatedVector] = await embedder.embed([anchor, paraphrase, unrelated]);
    const related = cosine(anchorVector!, paraphraseVector!);
    const other = cosine(anchorVector!, unrelatedVector!);
    assert.ok(related > other + 0.1, `"${anchor}": paraphrase ${related.toFixed(3)} vs unrelated ${other.toFixed(3)}`);
  }
});

test('questions rank their own passages first among the others', async () => {
  const passages = triples.map(([, paraphrase]) => paraphrase);
  const questions = triples.map(([anchor]) => anchor);
  const passageVectors = await embedder.embed(passages, { purpose: 'document' });
  const questionVectors = await embedder.embed(questions, { purpose: 'query' });
  const misses = questionVectors.flatMap((question, index) => {
    const scores = passageVectors.map((passage) => cosine(question, passage));
    const best = scores.indexOf(Math.max(...scores));
    return best === index ? [] : [`"${questions[index]}" found "${passages[best]}"`];
  });
  // USE lite is small. Among seven passages, four of them about the bridge, one miss is
  // allowed: "How much rain were the drains designed for?" finds the scupper-spacing passage
  // (0.56) before its own "We sized the scuppers for 100 mm per hour…" (0.36, fourth).
  assert.ok(misses.length <= 1, misses.join('; '));
});

test('Tamil–English code-mixed text embeds, and its English part still carries meaning', async () => {
  const mixed = 'Anika-க்கு cycle வாங்கியாச்சு! Blue one, 20-inch, with a bell she will definitely ring at 6 am.';
  const tamilOnly = 'நான் Saturday evening வரேன், Amma-வை pick up பண்ணிட்டு.';
  const [mixedVector, tamilVector, related, unrelated] = await embedder.embed([
    mixed,
    tamilOnly,
    'We bought Anika a new bicycle with a bell.',
    'The bearing schedule must be revised before Thursday.',
  ]);
  for (const vector of [mixedVector!, tamilVector!]) {
    assert.equal(vector.length, 512);
    assert.ok(vector.every(Number.isFinite));
    assert.ok(Math.abs(cosine(vector, vector) - 1) < 1e-5);
  }
  assert.ok(cosine(mixedVector!, related!) > cosine(mixedVector!, unrelated!) + 0.1);
});
