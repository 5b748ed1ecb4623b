/** Real PDF and zip (DOCX) files for tests, made with the same libraries people's tools use. */
import JSZip from 'jszip';
import PDFDocument from 'pdfkit';

export function renderPdf(options: PDFKit.PDFDocumentOptions, pages: string[], draw?: (document: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const document = new PDFDocument(options);
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve) => document.on('end', () => resolve(Buffer.concat(chunks))));
  pages.forEach((text, index) => {
    if (index > 0) document.addPage();
    document.text(text);
  });
  draw?.(document);
  document.end();
  return finished;
}

export async function zipOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}
