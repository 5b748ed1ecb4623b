import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanEmail } from '../../src/ingest/clean/clean-email.js';
import { htmlToPlainText } from '../../src/ingest/clean/html-to-plain-text.js';

test('images, tracking pixels, styles, scripts and hidden preheaders disappear', () => {
  const text = htmlToPlainText(
    '<html><head><style>p{color:red}</style><script>track()</script></head><body>' +
      '<div style="display:none">preview text</div><p>Hello <img src="x.png" alt="logo"> world</p>' +
      '<img src="https://t.example/open.gif" width="1" height="1"></body></html>',
  );
  assert.equal(text.trim(), 'Hello world');
});

test('links keep their text only and headings keep their case', () => {
  const text = htmlToPlainText('<h1>Spring News</h1><p><a href="https://example.com/x">Read more</a></p>');
  assert.equal(text.trim(), 'Spring News\n\nRead more');
});

test('blockquote and Gmail quote blocks become > lines', () => {
  const text = htmlToPlainText('<div>Yes.</div><div class="gmail_quote"><div class="gmail_attr">On Mon, Bob wrote:</div><blockquote class="gmail_quote">Lunch?</blockquote></div>');
  assert.match(text, /^Yes\.$/m);
  assert.match(text, /^> On Mon, Bob wrote:$/m);
  assert.match(text, /^> > Lunch\?$/m);
});

test('an Outlook #divRplyFwdMsg reply and everything after it are quoted', () => {
  const cleaned = cleanEmail({
    html:
      '<div>Signed, it is in your tray.</div><div id="appendonsend"></div><hr>' +
      '<div id="divRplyFwdMsg"><b>From:</b> Grace Liu &lt;grace@example.com&gt;<br><b>Sent:</b> Thursday, March 14, 2024 2:03 PM<br>' +
      '<b>To:</b> Ada<br><b>Subject:</b> PO</div><div>Please sign the PO.</div>',
  });
  assert.equal(cleaned.text, 'Signed, it is in your tray.');
  assert.equal(cleaned.quotes.length, 1);
  assert.deepEqual(cleaned.quotes[0]?.author, { name: 'Grace Liu', address: 'grace@example.com' });
  assert.equal(cleaned.quotes[0]?.text, 'Please sign the PO.');
});

test('Gmail signature blocks get a "-- " delimiter', () => {
  const cleaned = cleanEmail({ html: '<div>Dataset uploaded.</div><div class="gmail_signature">Ada Quill<br>Quill Labs</div>' });
  assert.equal(cleaned.text, 'Dataset uploaded.');
  assert.equal(cleaned.removed.signature, 3);
});

test('when both bodies exist the text body is used', () => {
  const cleaned = cleanEmail({ text: 'plain body', html: '<p>html body</p>' });
  assert.equal(cleaned.text, 'plain body');
  assert.equal(cleanEmail({ text: '  \n', html: '<p>html body</p>' }).text, 'html body');
});

test('hostile HTML (very deep nesting, unclosed tags) converts without throwing', () => {
  const deep = `${'<div>'.repeat(60_000)}deep text${'</div>'.repeat(60_000)}`;
  assert.equal(htmlToPlainText(deep).trim(), 'deep text');
  assert.equal(typeof htmlToPlainText('<div'.repeat(100_000)), 'string');
});
