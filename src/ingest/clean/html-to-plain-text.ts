/**
 * Turns an HTML-only body into plain text the line rules can read: quoted reply
 * blocks become `>` lines, signatures get a `-- ` delimiter, and images, tracking
 * pixels, styles and scripts disappear. The converter is compiled once per process.
 */
import { compile, type FormatCallback, type SelectorDefinition } from 'html-to-text';

const quoteBlock = { format: 'blockquote', options: { leadingLineBreaks: 1, trailingLineBreaks: 1, trimEmptyLines: true } };
const lineBlock = { format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } };
const skipped = { format: 'skip' };

const SELECTORS: SelectorDefinition[] = [
  { selector: 'img', ...skipped },
  { selector: 'style', ...skipped },
  { selector: 'script', ...skipped },
  { selector: 'head', ...skipped },
  { selector: 'title', ...skipped },
  { selector: 'hr', ...skipped },
  // Gmail's preview text and other hidden preheaders are not what the reader sees.
  { selector: '[style*="display:none"]', ...skipped },
  { selector: '[style*="display: none"]', ...skipped },
  { selector: 'a', options: { ignoreHref: true } },
  ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
    selector,
    format: 'heading',
    options: { leadingLineBreaks: 2, trailingLineBreaks: 2, uppercase: false },
  })),
  // Layout tables are a grid of blocks, not data: one cell per line.
  { selector: 'table', ...lineBlock },
  { selector: 'tr', ...lineBlock },
  { selector: 'td', ...lineBlock },
  { selector: 'th', ...lineBlock },
  // Word's HTML makes every line a paragraph; a blank line after each would split paragraphs.
  { selector: 'p.MsoNormal', ...lineBlock },
  { selector: 'blockquote', ...quoteBlock },
  { selector: 'div.gmail_quote', ...quoteBlock },
  { selector: 'div.gmail_quote_container', ...quoteBlock },
  { selector: 'div.yahoo_quoted', ...quoteBlock },
  { selector: 'div.moz-forward-container', ...quoteBlock },
  { selector: 'div.gmail_signature', format: 'signature' },
  { selector: 'div#Signature', format: 'signature' },
  { selector: 'div.moz-signature', format: 'signature' },
];

/** Writes a `-- ` line above the element so the signature rule sees a standard delimiter. */
const formatSignature: FormatCallback = (element, walk, builder) => {
  builder.openBlock({ leadingLineBreaks: 1 });
  builder.addLiteral('-- ');
  builder.closeBlock({ trailingLineBreaks: 1 });
  builder.openBlock({ leadingLineBreaks: 1 });
  walk(element.children, builder);
  builder.closeBlock({ trailingLineBreaks: 1 });
};

/** Real mail nests far less than this; deeper content is cut rather than overflowing the stack. */
const MAX_ELEMENT_DEPTH = 300;

const compiledConverter = compile({
  wordwrap: false,
  selectors: SELECTORS,
  formatters: { signature: formatSignature },
  limits: { maxDepth: MAX_ELEMENT_DEPTH, ellipsis: '' },
});

/**
 * Last resort when the converter throws on hostile markup: drop tags in one linear
 * pass (a regular expression like /<[^>]*>/ is quadratic on "<<<<…") and keep the text.
 */
function stripTags(html: string): string {
  let text = '';
  let depth = 0;
  for (const character of html) {
    if (character === '<') depth = 1;
    else if (character === '>' && depth > 0) depth = 0;
    else if (depth === 0) text += character;
  }
  return text;
}

const TAG = /<(\/?)([a-zA-Z][\w:-]{0,30})/g;
/** Void elements never nest; these close themselves when a sibling opens. */
const NON_NESTING_TAGS = new Set([
  'br', 'img', 'hr', 'meta', 'link', 'input', 'wbr', 'col', 'area', 'base', 'source', 'track', 'embed', 'param',
  'p', 'li', 'td', 'th', 'tr', 'option', 'dd', 'dt',
]);
/**
 * The HTML parser keeps its open elements in an array it shifts from the front, so
 * its time grows with the square of the nesting depth: 100,000 nested divs take
 * seconds. No real email nests this deep.
 */
const MAX_NESTING_DEPTH = 3000;

function nestsTooDeep(html: string): boolean {
  let depth = 0;
  TAG.lastIndex = 0;
  for (let match = TAG.exec(html); match !== null; match = TAG.exec(html)) {
    if (NON_NESTING_TAGS.has((match[2] ?? '').toLowerCase())) continue;
    depth += match[1] === '/' ? -1 : 1;
    if (depth > MAX_NESTING_DEPTH) return true;
  }
  return false;
}

function convert(html: string): string {
  if (nestsTooDeep(html)) return stripTags(html);
  try {
    return compiledConverter(html);
  } catch {
    return stripTags(html);
  }
}

/**
 * Outlook on the web and new Outlook put the older message after an empty
 * `#appendonsend` div, or start it with `#divRplyFwdMsg`, as siblings rather than
 * children; everything from that point on is the quoted message.
 */
const OUTLOOK_REPLY_MARKERS = ['id="appendonsend"', "id='appendonsend'", 'id=appendonsend', 'id="divRplyFwdMsg"', "id='divRplyFwdMsg'", 'id=divRplyFwdMsg'];

function outlookReplyStart(html: string): number {
  let earliest = -1;
  for (const marker of OUTLOOK_REPLY_MARKERS) {
    const position = html.indexOf(marker);
    if (position >= 0 && (earliest < 0 || position < earliest)) earliest = position;
  }
  return earliest < 0 ? -1 : html.lastIndexOf('<', earliest);
}

function quoteLines(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.length > 0 ? `> ${line}` : '>'))
    .join('\n');
}

export function htmlToPlainText(html: string): string {
  const replyStart = outlookReplyStart(html);
  if (replyStart < 0) return convert(html);
  const reply = convert(html.slice(0, replyStart));
  const quoted = convert(html.slice(replyStart)).trim();
  return quoted.length > 0 ? `${reply}\n\n${quoteLines(quoted)}` : reply;
}
