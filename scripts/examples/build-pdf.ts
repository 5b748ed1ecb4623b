/**
 * A small text PDF from headings, paragraphs and bullets, one explicit page after another,
 * written with pdfkit and reproducible: fixed creation and modification dates (the file ID
 * is derived from the info dictionary), standard fonts only, no timestamps anywhere else.
 */
import PDFDocument from 'pdfkit';

export type PdfBlock =
  | { kind: 'title'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'bullets'; items: string[] }
  | { kind: 'small'; text: string };

export interface PdfOptions {
  title: string;
  author: string;
  subject?: string;
  keywords?: string;
  date: Date;
  /** Printed at the foot of every page, followed by "page N of M". */
  footer: string;
  /** Each inner array is one page. */
  pages: PdfBlock[][];
}

const MARGIN = 64;

export async function buildPdf(options: PdfOptions): Promise<Buffer> {
  const document = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    autoFirstPage: false,
    info: {
      Title: options.title,
      Author: options.author,
      // pdfkit hashes every info value into the file ID, so absent ones must be left out, not undefined.
      ...(options.subject ? { Subject: options.subject } : {}),
      ...(options.keywords ? { Keywords: options.keywords } : {}),
      Creator: 'scripts/make-examples.ts',
      Producer: 'PDFKit',
      CreationDate: options.date,
      ModDate: options.date,
    },
  });
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    document.on('end', resolve);
    document.on('error', reject);
  });

  options.pages.forEach((blocks, index) => {
    document.addPage();
    for (const block of blocks) writeBlock(document, block);
    writeFooter(document, `${options.footer}  |  page ${index + 1} of ${options.pages.length}`);
  });
  document.end();
  await finished;
  return Buffer.concat(chunks);
}

function writeBlock(document: PDFKit.PDFDocument, block: PdfBlock): void {
  switch (block.kind) {
    case 'title':
      document.font('Helvetica-Bold').fontSize(17).fillColor('#1d3b53').text(block.text, { paragraphGap: 10 });
      break;
    case 'heading':
      document.moveDown(0.4).font('Helvetica-Bold').fontSize(12.5).fillColor('#1d3b53').text(block.text, { paragraphGap: 4 });
      break;
    case 'paragraph':
      document.font('Helvetica').fontSize(10.5).fillColor('#222222').text(block.text, { align: 'left', lineGap: 2, paragraphGap: 7 });
      break;
    case 'bullets':
      document.font('Helvetica').fontSize(10.5).fillColor('#222222');
      for (const item of block.items) document.text(`\u2022  ${item}`, { indent: 0, lineGap: 2, paragraphGap: 4 });
      document.moveDown(0.3);
      break;
    case 'small':
      document.font('Helvetica-Oblique').fontSize(9).fillColor('#555555').text(block.text, { lineGap: 1, paragraphGap: 6 });
      break;
  }
}

/** Below the bottom margin: lift the margin for one line so pdfkit does not start a new page. */
function writeFooter(document: PDFKit.PDFDocument, text: string): void {
  const bottom = document.page.margins.bottom;
  document.page.margins.bottom = 0;
  document
    .font('Helvetica')
    .fontSize(8)
    .fillColor('#777777')
    .text(text, MARGIN, document.page.height - 40, { width: document.page.width - 2 * MARGIN, align: 'center', lineBreak: false });
  document.page.margins.bottom = bottom;
}
