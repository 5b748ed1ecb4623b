/**
 * A rough tone for an answer that came without one, from word lists: each tone's cue words
 * and phrases are counted (whole words, case-insensitive) and the tone with the most wins;
 * no cue, or a tie, is `neutral`. Deliberately simple and predictable: the tone is a tag to
 * filter and balance training data by, not a finding, and an imported tone always wins.
 *
 * - positive: love, happy, wonderful, enjoy, proud, grateful, …
 * - negative: hate, angry, sad, awful, worried, regret, …
 * - wistful: remember, used to, miss, years ago, back then, childhood, …
 * - playful: haha, lol, joke, silly, emoji that laugh, …
 */
export type GuessedTone = 'positive' | 'negative' | 'wistful' | 'playful' | 'neutral';

const cues: Record<Exclude<GuessedTone, 'neutral'>, readonly string[]> = {
  positive: [
    'love', 'loved', 'lovely', 'happy', 'happiest', 'wonderful', 'great', 'enjoy', 'enjoyed', 'glad', 'beautiful', 'beautifully',
    'proud', 'grateful', 'excited', 'delight', 'delighted', 'fantastic', 'brilliant', 'joy', 'favourite', 'favorite', 'best', 'fun',
  ],
  negative: [
    'hate', 'hated', 'angry', 'sad', 'awful', 'terrible', 'worst', 'afraid', 'scared', 'worried', 'worry', 'hurt', 'annoying',
    'annoyed', 'frustrated', 'frustrating', 'regret', 'disappointed', 'painful', 'miserable', 'upset', 'dangerous', 'unfair',
  ],
  wistful: [
    'remember', 'remembered', 'used to', 'miss', 'missed', 'years ago', 'back then', 'childhood', 'when i was', 'long ago',
    'those days', 'once upon', 'nostalgia', 'nostalgic', 'in hindsight', 'grew up', 'was alive',
  ],
  playful: ['haha', 'hahaha', 'lol', 'joke', 'joking', 'silly', 'kidding', 'funny', 'tease', 'cheeky', '😂', '🤣', '😄', '😜', ':)', ':d', ';)'],
};

const patterns = Object.fromEntries(
  Object.entries(cues).map(([tone, words]) => [tone, words.map((word) => cuePattern(word))]),
) as Record<Exclude<GuessedTone, 'neutral'>, RegExp[]>;

function cuePattern(cue: string): RegExp {
  const escaped = cue.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
  // Words need word edges; emoji and emoticons do not have any.
  return /^[\p{L}\s]+$/u.test(cue) ? new RegExp(`(?<![\\p{L}])${escaped}(?![\\p{L}])`, 'giu') : new RegExp(escaped, 'giu');
}

export function guessTone(text: string): GuessedTone {
  let best: GuessedTone = 'neutral';
  let bestCount = 0;
  let tied = false;
  for (const [tone, tonePatterns] of Object.entries(patterns) as [Exclude<GuessedTone, 'neutral'>, RegExp[]][]) {
    const count = tonePatterns.reduce((sum, pattern) => sum + (text.match(pattern)?.length ?? 0), 0);
    if (count > bestCount) {
      best = tone;
      bestCount = count;
      tied = false;
    } else if (count === bestCount && count > 0) {
      tied = true;
    }
  }
  return tied ? 'neutral' : best;
}
