/**
 * The working state every detector shares: the body's lines and, per line, the rule
 * that removed it. Detectors only mark lines; nothing is spliced out until the end,
 * so each rule sees the original line numbers and paragraph boundaries.
 */
import type { RemovalRule, RemovedLineCounts } from './cleaned-email.js';

export interface LineSheet {
  readonly lines: readonly string[];
  readonly removedBy: (RemovalRule | undefined)[];
}

export function createLineSheet(lines: readonly string[]): LineSheet {
  return { lines, removedBy: new Array<RemovalRule | undefined>(lines.length).fill(undefined) };
}

export function isBlank(line: string): boolean {
  return line.trim().length === 0;
}

export function lineAt(sheet: LineSheet, index: number): string {
  return sheet.lines[index] ?? '';
}

export function isVisible(sheet: LineSheet, index: number): boolean {
  return index >= 0 && index < sheet.lines.length && sheet.removedBy[index] === undefined;
}

/** Indices of lines still shown that carry text. */
export function visibleContentIndices(sheet: LineSheet): number[] {
  const indices: number[] = [];
  for (let index = 0; index < sheet.lines.length; index++) {
    if (sheet.removedBy[index] === undefined && !isBlank(lineAt(sheet, index))) indices.push(index);
  }
  return indices;
}

/**
 * Runs of consecutive visible non-blank lines. A removed line breaks a run as a blank
 * line would: text on both sides of a cut-out quote are separate paragraphs.
 */
export function visibleParagraphs(sheet: LineSheet): number[][] {
  const paragraphs: number[][] = [];
  let current: number[] = [];
  for (let index = 0; index < sheet.lines.length; index++) {
    if (sheet.removedBy[index] === undefined && !isBlank(lineAt(sheet, index))) {
      current.push(index);
    } else if (current.length > 0) {
      paragraphs.push(current);
      current = [];
    }
  }
  if (current.length > 0) paragraphs.push(current);
  return paragraphs;
}

/** Marks lines as removed; lines another rule already took keep that rule. */
export function removeLines(sheet: LineSheet, indices: Iterable<number>, rule: RemovalRule): void {
  for (const index of indices) {
    if (index >= 0 && index < sheet.lines.length && sheet.removedBy[index] === undefined) {
      sheet.removedBy[index] = rule;
    }
  }
}

export function removeRange(sheet: LineSheet, start: number, end: number, rule: RemovalRule): void {
  for (let index = Math.max(0, start); index < Math.min(end, sheet.lines.length); index++) {
    if (sheet.removedBy[index] === undefined) sheet.removedBy[index] = rule;
  }
}

export function countRemovedLines(sheet: LineSheet): RemovedLineCounts {
  const counts: RemovedLineCounts = { quote: 0, signature: 0, disclaimer: 0, greeting: 0, footer: 0 };
  for (let index = 0; index < sheet.lines.length; index++) {
    const rule = sheet.removedBy[index];
    if (rule !== undefined && !isBlank(lineAt(sheet, index))) counts[rule] += 1;
  }
  return counts;
}
