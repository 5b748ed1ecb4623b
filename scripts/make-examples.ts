/**
 * Regenerates the binary files of the sample corpora under examples/ (PDF, DOCX, the .eml
 * messages that carry attachments, Outlook .msg, a stub TIFF). The output is deterministic
 * (fixed dates, fixed MIME boundaries, no random ids), so the committed files only change
 * when their content here changes. Text files of the examples are written by hand.
 *
 *   node --import tsx scripts/make-examples.ts        (or: npm run fixtures)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMeeraKrishnanExample } from './examples/meera-krishnan.js';

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples');

const folder = path.join(examples, 'meera-krishnan');
const written = await writeMeeraKrishnanExample(folder);
for (const file of written) console.log(`wrote ${path.relative(process.cwd(), path.join(folder, file))}`);
