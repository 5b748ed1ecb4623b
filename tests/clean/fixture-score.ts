/**
 * Line-level agreement between the cleaner's text and a fixture's expected text:
 * precision is the share of kept lines that should be kept, recall the share of
 * expected lines that were kept. Lines are compared trimmed; blank lines are ignored.
 */
export interface LineScore {
  truePositives: number;
  keptLines: number;
  expectedLines: number;
}

function contentLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export function scoreLines(actual: string, expected: string): LineScore {
  const kept = contentLines(actual);
  const wanted = contentLines(expected);
  const remaining = new Map<string, number>();
  for (const line of wanted) remaining.set(line, (remaining.get(line) ?? 0) + 1);
  let truePositives = 0;
  for (const line of kept) {
    const count = remaining.get(line) ?? 0;
    if (count > 0) {
      truePositives++;
      remaining.set(line, count - 1);
    }
  }
  return { truePositives, keptLines: kept.length, expectedLines: wanted.length };
}

export function addScores(scores: readonly LineScore[]): LineScore {
  return scores.reduce(
    (total, score) => ({
      truePositives: total.truePositives + score.truePositives,
      keptLines: total.keptLines + score.keptLines,
      expectedLines: total.expectedLines + score.expectedLines,
    }),
    { truePositives: 0, keptLines: 0, expectedLines: 0 },
  );
}

export function formatScore(score: LineScore): string {
  const precision = score.keptLines === 0 ? 1 : score.truePositives / score.keptLines;
  const recall = score.expectedLines === 0 ? 1 : score.truePositives / score.expectedLines;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return `precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}, F1 ${f1.toFixed(3)} (${score.truePositives}/${score.keptLines} kept lines correct, ${score.truePositives}/${score.expectedLines} expected lines kept)`;
}
