/** Writes a style report as `report.md` and `report.json` into a folder (created if needed); they quote the persona's text, so 0700/0600. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatStyleReportMarkdown, type StyleReport } from './style-report.js';

export interface WrittenStyleReport {
  folder: string;
  markdown: string;
  json: string;
}

export async function writeStyleReport(folder: string, report: StyleReport): Promise<WrittenStyleReport> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const markdown = path.join(folder, 'report.md');
  const json = path.join(folder, 'report.json');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
  await writeFile(markdown, formatStyleReportMarkdown(report), { mode: 0o600 });
  return { folder, markdown, json };
}

/** `style-2025-01-31T10-04-05Z`: sortable, and legal in every file system. */
export function styleReportFolderName(createdAt: string): string {
  return `style-${createdAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}`;
}
