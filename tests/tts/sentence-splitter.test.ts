import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { splitSpeech, type SpeechSegment, type SplitSpeechOptions, type TextDelta } from '../../src/tts/sentence-splitter.js';
import { seededRandom } from '../../src/seeded-random.js';


function randomDeltas(text: string, seed: number, maxSize = 7): string[] {
  const random = seededRandom(seed);
  const characters = Array.from(text); // never cut a surrogate pair: the LLM streams whole characters
  const deltas: string[] = [];
  for (let at = 0; at < characters.length; ) {
    const size = 1 + Math.floor(random() * maxSize);
    deltas.push(characters.slice(at, at + size).join(''));
    at += size;
  }
  return deltas;
}

async function* streamOf(deltas: readonly TextDelta[]): AsyncGenerator<TextDelta> {
  for (const delta of deltas) {
    await Promise.resolve();
    yield delta;
  }
}

async function collect(deltas: readonly TextDelta[], options: SplitSpeechOptions = {}): Promise<SpeechSegment[]> {
  const segments: SpeechSegment[] = [];
  for await (const segment of splitSpeech(streamOf(deltas), options)) segments.push(segment);
  return segments;
}

/** Splits `text` as one delta, as single characters and as seeded random deltas; all must agree. Returns the texts. */
async function split(text: string, options: SplitSpeechOptions = {}): Promise<string[]> {
  const whole = await collect([text], options);
  const characters = await collect(Array.from(text), options);
  assert.deepEqual(characters, whole, `single characters differ for ${JSON.stringify(text)}`);
  for (const seed of [1, 2, 3, 42, 2024]) {
    const random = await collect(randomDeltas(text, seed), options);
    assert.deepEqual(random, whole, `random deltas (seed ${seed}) differ for ${JSON.stringify(text)}`);
  }
  whole.forEach((segment, index) => {
    assert.equal(segment.index, index);
    assert.equal(segment.final, index === whole.length - 1, `only the last segment is final: ${JSON.stringify(whole)}`);
  });
  return whole.map((segment) => segment.text);
}

const sentenceOnly: SplitSpeechOptions = { firstClauseMinChars: Number.MAX_SAFE_INTEGER };

test('sentences end at . ! ? followed by whitespace, the tail is final', async () => {
  assert.deepEqual(await split('The bridge is finished. Did you see it? It is lovely! Come soon'), [
    'The bridge is finished.',
    'Did you see it?',
    'It is lovely!',
    'Come soon',
  ]);
});

test('abbreviations do not end a sentence', async () => {
  assert.deepEqual(
    await split('Dr. Rao met Mr. Shah, Mrs. Iyer and Ms. Khan at St. Mary\'s. Prof. Lee came vs. the odds, approx. 5 km away.', sentenceOnly),
    ["Dr. Rao met Mr. Shah, Mrs. Iyer and Ms. Khan at St. Mary's.", 'Prof. Lee came vs. the odds, approx. 5 km away.'],
  );
  assert.deepEqual(await split('Bring tools, e.g. Spanners, i.e. The big ones, etc. and gloves. Thanks.', sentenceOnly), [
    'Bring tools, e.g. Spanners, i.e. The big ones, etc. and gloves.',
    'Thanks.',
  ]);
  assert.deepEqual(await split('Kaveri Bridgeworks Inc. and Tata Ltd. signed it. We bought all parts from Acme Ltd. Then we built.', sentenceOnly), [
    'Kaveri Bridgeworks Inc. and Tata Ltd. signed it.',
    'We bought all parts from Acme Ltd.',
    'Then we built.',
  ]);
  assert.deepEqual(await split('The U.S. Army came at 10 a.m. Then it left at 5 p.m. on Monday. Done.'), [
    'The U.S. Army came at 10 a.m.',
    'Then it left at 5 p.m. on Monday.',
    'Done.',
  ]);
});

test('initials do not end a sentence', async () => {
  assert.deepEqual(await split('J. R. R. Tolkien wrote it. I read it.'), ['J. R. R. Tolkien wrote it.', 'I read it.']);
});

test('decimals, thousands, units, versions and times do not end a sentence or a clause', async () => {
  assert.deepEqual(await split('Pi is about 3.14, and 1,000 people walked 1.2 m at 10:30 on version 2.0.1 today. Next.', { firstClauseMinChars: 10 }), [
    'Pi is about 3.14,',
    'and 1,000 people walked 1.2 m at 10:30 on version 2.0.1 today.',
    'Next.',
  ]);
  assert.deepEqual(await split('We start at 10:30 sharp; the crew at 11:45 exactly. Bye.', { firstClauseMinChars: 30 }), [
    'We start at 10:30 sharp; the crew at 11:45 exactly.',
    'Bye.',
  ]);
});

test('URLs and emails are kept whole, even at the end of a sentence', async () => {
  assert.deepEqual(await split('See https://example.com/a.b?c=d or write to meera@kaveri-bridgeworks.example. Thanks! Visit example.org.'), [
    'See https://example.com/a.b?c=d or write to meera@kaveri-bridgeworks.example.',
    'Thanks!',
    'Visit example.org.',
  ]);
});

test('an ellipsis inside a sentence does not end it; before a capital it does', async () => {
  assert.deepEqual(await split('I was thinking... maybe not. Well… Okay then. Wait … what?'), [
    'I was thinking... maybe not.',
    'Well…',
    'Okay then.',
    'Wait … what?',
  ]);
});

test('quoted sentences followed by lower case stay in their sentence', async () => {
  assert.deepEqual(await split('"Stop." she said. He asked, "Are you sure?" Then he left. “Go!” they cried. (It was late.) Fine.', sentenceOnly), [
    '"Stop." she said.',
    'He asked, "Are you sure?"',
    'Then he left.',
    '“Go!” they cried.',
    '(It was late.)',
    'Fine.',
  ]);
});

test('list markers, headings and bullets: markers are not sentence ends, markup is stripped', async () => {
  assert.deepEqual(await split('## Plan for **today**\n\n1. Buy `cement` now\n2. Call Dr. Rao\n- check the *rebar*\n* paint 🎨 the rails\n\nDone 👍.'), [
    'Plan for today',
    '1. Buy cement now',
    '2. Call Dr. Rao',
    'check the rebar',
    'paint the rails',
    'Done.',
  ]);
  assert.deepEqual(await split('Steps:\n1) Mix\n2) Pour\n# Next part\nSee [the guide](https://example.com/g) soon.'), [
    'Steps:',
    '1) Mix',
    '2) Pour',
    'Next part',
    'See the guide soon.',
  ]);
  assert.deepEqual(await split('A line that wraps\nonto the next line. End.'), ['A line that wraps onto the next line.', 'End.']);
});

test('code-mixed Tamil–English, Devanagari and CJK terminators', async () => {
  assert.deepEqual(await split('நாளைக்கு site visit இருக்கு. Please confirm. சரி. நன்றி!'), [
    'நாளைக்கு site visit இருக்கு.',
    'Please confirm.',
    'சரி.',
    'நன்றி!',
  ]);
  assert.deepEqual(await split('यह पुल अच्छा है। आप कब आएंगे? ठीक है।'), ['यह पुल अच्छा है।', 'आप कब आएंगे?', 'ठीक है।']);
  assert.deepEqual(await split('今日は晴れです。「明日は？」と聞いた。はい！OK'), ['今日は晴れです。', '「明日は？」', 'と聞いた。', 'はい！', 'OK']);
});

test('only the first segment breaks at a clause, once it has firstClauseMinChars', async () => {
  assert.deepEqual(await split('Well, honestly, after a long day at the site, I think we should rest; tomorrow, we pour. Yes, sure.'), [
    'Well, honestly, after a long day at the site,',
    'I think we should rest; tomorrow, we pour.',
    'Yes, sure.',
  ]);
  assert.deepEqual(await split('The span was too long — we added a pier. Fine.', { firstClauseMinChars: 10 }), [
    'The span was too long —',
    'we added a pier.',
    'Fine.',
  ]);
  assert.deepEqual(await split('The span was too long - we added a pier. Fine.', { firstClauseMinChars: 10 }), [
    'The span was too long -',
    'we added a pier.',
    'Fine.',
  ]);
  assert.deepEqual(await split('The span was long: we added a pier.', { firstClauseMinChars: 10 }), ['The span was long:', 'we added a pier.']);
  assert.deepEqual(await split('Short, then a full sentence.'), ['Short, then a full sentence.']);
  assert.deepEqual(await split('This one is ten.', { firstClauseMinChars: 0 }), ['This one is ten.']);
});

test('over-long text without punctuation is cut at maxChars between words', async () => {
  const words = Array.from({ length: 120 }, (_, index) => `word${index}`);
  const text = words.join(' ');
  const segments = await split(text, { maxChars: 50 });
  assert.ok(segments.length > 10);
  for (const segment of segments) assert.ok(segment.length <= 50, `${segment.length} > 50`);
  assert.deepEqual(segments.join(' ').split(' '), words);
  const unbroken = 'x'.repeat(120);
  assert.deepEqual(await split(unbroken, { maxChars: 50 }), ['x'.repeat(50), 'x'.repeat(50), 'x'.repeat(20)]);
});

test('a delta boundary inside "Dr." or a URL changes nothing', async () => {
  const expected = [{ text: 'Dr. Rao is at https://example.com/a.b?c=d today.', index: 0, final: false }, { text: 'Bye.', index: 1, final: true }];
  assert.deepEqual(await collect(['Dr', '.', ' Rao is at https://example', '.', 'com/a', '.b', '?', 'c=d today', '.', ' ', 'Bye.']), expected);
  assert.deepEqual(await collect(['Dr.', ' ', 'Rao is at https:', '//example.com/a.b?c=d today. B', 'ye.']), expected);
});

test('text-delta events are accepted like strings', async () => {
  const segments = await collect([{ type: 'text-delta', text: 'Hello there. ' }, 'How are', { type: 'text-delta', text: ' you?' }]);
  assert.deepEqual(segments, [
    { text: 'Hello there.', index: 0, final: false },
    { text: 'How are you?', index: 1, final: true },
  ]);
});

test('random mixtures of all cases split the same however the stream is cut', async () => {
  const pieces = [
    'Dr. Rao met J. R. R. Tolkien.',
    'It costs 3.14 or 1,000 at 10:30, e.g. today.',
    'See https://example.com/a.b?c=d now!',
    '"Stop." she said.',
    'நாளைக்கு site visit இருக்கு.',
    'Please confirm.',
    'Hmm... fine…',
    '**Note:** the U.S. team left at 5 p.m.',
    '\n\n- bullet 🎉 item\n',
    '今日は晴れです。',
    'Yes.',
  ];
  const random = seededRandom(7);
  for (let round = 0; round < 20; round += 1) {
    const text = Array.from({ length: 8 }, () => pieces[Math.floor(random() * pieces.length)]).join(' ');
    await split(text);
    await split(text, { maxChars: 30, firstClauseMinChars: 5 });
  }
});

test('the first clause is yielded before later deltas are pulled', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const pulled: string[] = [];
  async function* slowModel(): AsyncGenerator<string> {
    for (const delta of ['Well', ', after a long', ' day at the', ' site', ',', ' we']) {
      pulled.push(delta);
      yield delta;
    }
    await gate;
    for (const delta of [' should', ' rest', '.', ' Tomorrow', ' we pour.']) {
      pulled.push(delta);
      yield delta;
    }
  }
  const iterator = splitSpeech(slowModel())[Symbol.asyncIterator]();
  const first = await iterator.next();
  assert.deepEqual(first.value, { text: 'Well, after a long day at the site,', index: 0, final: false });
  assert.deepEqual(pulled, ['Well', ', after a long', ' day at the', ' site', ',', ' we']);
  release();
  const rest: SpeechSegment[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);
  assert.deepEqual(rest, [
    { text: 'we should rest.', index: 1, final: false },
    { text: 'Tomorrow we pour.', index: 2, final: true },
  ]);
});

test('a "." at the end of a delta waits for the next character', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let done = false;
  async function* model(): AsyncGenerator<string> {
    yield 'Please call Dr.';
    await gate;
    yield ' Rao now. Bye.';
  }
  const iterator = splitSpeech(model(), sentenceOnly)[Symbol.asyncIterator]();
  const first = iterator.next().then((result) => {
    done = true;
    return result;
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(done, false, 'nothing is emitted at "Dr." before the next character');
  release();
  assert.deepEqual((await first).value, { text: 'Please call Dr. Rao now.', index: 0, final: false });
});

test('an abort while the model is silent ends quietly without the partial tail', async () => {
  const controller = new AbortController();
  let finished = false;
  async function* stalledModel(): AsyncGenerator<string> {
    try {
      yield 'First sentence is done. And a partial';
      await new Promise(() => undefined); // never resolves
    } finally {
      finished = true;
    }
  }
  const segments: SpeechSegment[] = [];
  const started = Date.now();
  setTimeout(() => controller.abort(), 30);
  for await (const segment of splitSpeech(stalledModel(), { signal: controller.signal })) segments.push(segment);
  assert.ok(Date.now() - started < 1000);
  assert.deepEqual(segments, [{ text: 'First sentence is done.', index: 0, final: false }]);
  assert.equal(finished, false, 'a producer stuck in next() cannot run its finally; it is not awaited');
});

test('an abort between segments stops before the next one; an aborted signal yields nothing', async () => {
  const controller = new AbortController();
  const segments: SpeechSegment[] = [];
  for await (const segment of splitSpeech(streamOf(['One is here. Two is here. Three is here. Four']), { signal: controller.signal })) {
    segments.push(segment);
    controller.abort();
  }
  assert.deepEqual(segments, [{ text: 'One is here.', index: 0, final: false }]);

  let pulled = false;
  async function* model(): AsyncGenerator<string> {
    pulled = true;
    yield 'Hello.';
  }
  const none = [];
  for await (const segment of splitSpeech(model(), { signal: AbortSignal.abort() })) none.push(segment);
  assert.deepEqual(none, []);
  assert.equal(pulled, false);
});

test('breaking out of the loop closes the model stream', async () => {
  let closed = false;
  async function* model(): AsyncGenerator<string> {
    try {
      yield 'One. Two. ';
      yield 'Three.';
    } finally {
      closed = true;
    }
  }
  for await (const segment of splitSpeech(model())) {
    assert.equal(segment.text, 'One.');
    break;
  }
  assert.equal(closed, true);
});

test('empty and markup-only input yields nothing; bad options are rejected', async () => {
  assert.deepEqual(await collect([]), []);
  assert.deepEqual(await collect(['  ', '\n\n', '** ``', ' 🎉\n---\n']), []);
  await assert.rejects(collect(['Hi.'], { maxChars: 0 }), ConfigError);
  await assert.rejects(collect(['Hi.'], { firstClauseMinChars: -1 }), ConfigError);
});
