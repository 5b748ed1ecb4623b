/**
 * A small Word document from headings, paragraphs, bullets and simple tables, written with
 * `docx` and then re-zipped so the bytes are reproducible: `docx` stamps the core properties
 * and every zip entry with the current time, so both are replaced with a fixed date.
 */
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import JSZip from 'jszip';

export type DocxBlock =
  | { kind: 'title'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string; italic?: boolean }
  | { kind: 'bullets'; items: string[] }
  | { kind: 'table'; rows: string[][] };

export interface DocxOptions {
  title: string;
  creator: string;
  description?: string;
  date: Date;
  blocks: DocxBlock[];
}

export async function buildDocx(options: DocxOptions): Promise<Buffer> {
  const document = new Document({
    creator: options.creator,
    lastModifiedBy: options.creator,
    title: options.title,
    description: options.description,
    revision: 3,
    styles: { default: { document: { run: { font: 'Calibri', size: 22 } } } },
    sections: [{ children: options.blocks.flatMap(toElements) }],
  });
  const packed = await Packer.toBuffer(document);
  return rezip(packed, options.date);
}

function toElements(block: DocxBlock): Array<Paragraph | Table> {
  switch (block.kind) {
    case 'title':
      return [new Paragraph({ text: block.text, heading: HeadingLevel.TITLE })];
    case 'heading':
      return [new Paragraph({ text: block.text, heading: HeadingLevel.HEADING_1 })];
    case 'paragraph':
      return [new Paragraph({ children: [new TextRun({ text: block.text, italics: block.italic ?? false })], spacing: { after: 160 } })];
    case 'bullets':
      return block.items.map((item) => new Paragraph({ text: item, bullet: { level: 0 } }));
    case 'table':
      return [
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: block.rows.map(
            (cells, rowIndex) =>
              new TableRow({
                tableHeader: rowIndex === 0,
                children: cells.map(
                  (cell) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text: cell, bold: rowIndex === 0 })] })] }),
                ),
              }),
          ),
        }),
        new Paragraph({ text: '' }),
      ];
  }
}

/** Same entries, same order, fixed dates inside docProps/core.xml and on every zip entry. */
async function rezip(packed: Buffer, date: Date): Promise<Buffer> {
  const source = await JSZip.loadAsync(packed);
  const target = new JSZip();
  const stamp = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const entry of Object.values(source.files)) {
    if (entry.dir) continue;
    let content: Buffer | string = await entry.async('nodebuffer');
    if (entry.name === 'docProps/core.xml') {
      content = content
        .toString('utf8')
        .replace(/(<dcterms:created[^>]*>)[^<]*(<\/dcterms:created>)/, `$1${stamp}$2`)
        .replace(/(<dcterms:modified[^>]*>)[^<]*(<\/dcterms:modified>)/, `$1${stamp}$2`);
    }
    target.file(entry.name, content, { date, createFolders: false });
  }
  return target.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 }, platform: 'DOS' });
}
