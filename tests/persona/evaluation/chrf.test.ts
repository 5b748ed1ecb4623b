/**
 * chrF against figures computed by sacreBLEU 2.6.0 itself (`CHRF().sentence_score(h, [r])`
 * and `corpus_score`, defaults: char order 6, β = 2, whitespace removed, effective order),
 * plus one small case worked by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chrF, corpusChrF } from '../../../src/persona/evaluation/chrf.js';

const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} vs ${expected}`);

describe('chrF', () => {
  it('matches sacreBLEU on sentence pairs', () => {
    close(chrF('Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.', 'Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.'), 39.14081690316369);
    close(
      chrF('Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.', 'Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.'),
      57.157427512824064,
    );
    close(chrF('The cat sat on the mat.', 'The cat is on the mat.'), 67.17273492330233);
    close(chrF('aa', 'ab'), 25);
  });

  it('worked by hand: "ab" against "abc"', () => {
    // Orders 1 and 2 only (the hypothesis has no trigram): precision 1 and 1, recall 2/3 and 1/2,
    // averaged 1 and 7/12; F2 = 5 · 1 · 7/12 / (4 · 1 + 7/12) = 35/55.
    close(chrF('ab', 'abc'), (100 * 35) / 55);
  });

  it('is 100 for the same text, whatever the spacing, and 0 with nothing in common or nothing said', () => {
    close(chrF('Niemand hat die Absicht, eine Mauer zu errichten', 'Niemand hat die Absicht, eine Mauer zu errichten'), 100);
    close(chrF('a b c', 'abc'), 100);
    assert.equal(chrF('abcdefg', 'hijklmnop'), 0);
    assert.equal(chrF('', 'abc'), 0);
    assert.equal(chrF('abc', ''), 0);
  });

  it('counts code points, not UTF-16 units', () => {
    // Each emoji is two UTF-16 units; as code points the texts share every n-gram.
    close(chrF('🙂🙂 ok', '🙂🙂ok'), 100);
    assert.ok(chrF('வணக்கம் நண்பா', 'வணக்கம் நண்பரே') > 50);
  });

  it('sums n-gram counts over a corpus before scoring, as sacreBLEU', () => {
    close(
      corpusChrF([
        { hypothesis: 'The cat sat on the mat.', reference: 'The cat is on the mat.' },
        { hypothesis: 'aa', reference: 'ab' },
      ]),
      65.64859197647957,
    );
  });

  it('weighs recall above precision with β = 2', () => {
    // Missing half the reference costs more than adding as much again.
    assert.ok(chrF('abcdef', 'abcdefghijkl') < chrF('abcdefghijkl', 'abcdef'));
    assert.throws(() => chrF('a', 'a', { beta: 0 }), RangeError);
  });
});
