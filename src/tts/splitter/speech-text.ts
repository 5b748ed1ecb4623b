/**
 * Turns a raw segment of LLM output into text a TTS engine should read: markdown markup,
 * bullets, code ticks and emoji are removed, the words are kept, whitespace is collapsed.
 */
const markdownLink = /\[([^\]\n]*)\]\([^)\s]*\)/g;
const horizontalRule = /^[ \t]*[-*_]{3,}[ \t]*$/gm;
const headingMarker = /^[ \t]*#{1,6}[ \t]+/gm;
const bulletMarker = /^[ \t]*[-*+•][ \t]+/gm;
const quoteMarker = /^[ \t]*>[ \t]?/gm;
const emphasisMarks = /`+|\*+|_{2,}|~~/g;
const emojiCharacters = '\\p{Extended_Pictographic}\\u{1F1E6}-\\u{1F1FF}\\u{1F3FB}-\\u{1F3FF}\\u{FE0E}\\u{FE0F}\\u{200D}\\u{20E3}';
const emoji = new RegExp(`[${emojiCharacters}]`, 'gu');
/** An emoji between a word and its punctuation goes with the space before it: "Done 👍." → "Done." */
const emojiBeforePunctuation = new RegExp(`[ \\t]*[${emojiCharacters}]+(?=[.,!?;:…。！？।॥])`, 'gu');
const whitespace = /\s+/g;
const speakable = /[\p{L}\p{N}]/u;

export function toSpeechText(raw: string): string {
  return raw
    .replace(markdownLink, '$1')
    .replace(horizontalRule, '')
    .replace(headingMarker, '')
    .replace(bulletMarker, '')
    .replace(quoteMarker, '')
    .replace(emphasisMarks, '')
    .replace(emojiBeforePunctuation, '')
    .replace(emoji, '')
    .replace(whitespace, ' ')
    .trim();
}

/** Whether the text has anything to say (a letter or a digit), not only punctuation. */
export function isSpeakable(text: string): boolean {
  return speakable.test(text);
}
