/**
 * Function words: how often a writer uses "upon", "also", "quite" barely depends on the
 * topic, so their rates identify a writer across subjects (Mosteller and Wallace settled
 * the Federalist papers' authorship with them). The first 70 are Mosteller and Wallace's
 * (1964) list; the rest are markers of modern informal writing.
 */
export const FUNCTION_WORDS: readonly string[] = [
  'a', 'all', 'also', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'been', 'but', 'by', 'can', 'do', 'down',
  'even', 'every', 'for', 'from', 'had', 'has', 'have', 'her', 'his', 'if', 'in', 'into', 'is', 'it', 'its',
  'may', 'more', 'must', 'my', 'no', 'not', 'now', 'of', 'on', 'one', 'only', 'or', 'our', 'shall', 'should',
  'so', 'some', 'such', 'than', 'that', 'the', 'their', 'then', 'there', 'things', 'this', 'to', 'up', 'upon',
  'was', 'were', 'what', 'when', 'which', 'who', 'will', 'with', 'would', 'your',
  'i', 'you', 'we', 'just', 'really', 'actually', 'very', 'quite', 'though', 'because', 'about', 'like', 'well',
  'maybe', 'still', 'anyway', 'pretty', 'totally',
];

export const FUNCTION_WORD_SET: ReadonlySet<string> = new Set(FUNCTION_WORDS);

export const FIRST_PERSON: ReadonlySet<string> = new Set([
  'i', 'me', 'my', 'mine', 'myself', "i'm", "i'd", "i've", "i'll",
  'we', 'us', 'our', 'ours', 'ourselves', "we're", "we've", "we'll", "we'd",
]);

export const SECOND_PERSON: ReadonlySet<string> = new Set([
  'you', 'your', 'yours', 'yourself', 'yourselves', "you're", "you've", "you'll", "you'd", 'u', 'ur',
]);
