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

const convert = compile({
  wordwrap: false,
  selectors: SELECTORS,
  formatters: { signature: formatSignature },
});

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
