/**
 * What `persona eval style` measures for one engine (and adapter) on the held-out examples,
 * and its Markdown rendering. Every figure is null when it could not be measured, with the
 * reason beside it, never silently missing.
 */
export interface StyleExampleResult {
  thread: string;
  origin: string;
  prompt: string;
  reference: string;
  generated: string;
  chrF: number;
  /** Perplexity of the real reply under the base model and under the adapter. */
  perplexityBase: number | null;
  perplexityAdapter: number | null;
  firstTokenMs: number | null;
  totalMs: number;
}

export interface StyleReport {
  persona: string;
  engine: string;
  /** The adapter the answers were generated with; null for the base model. */
  adapter: string | null;
  /** The model file (llama engine) or the served model's name, when known. */
  model: string | null;
  createdAt: string;
  seed: number;
  /** The split scored: `validation` (held out) or `train` (did training take?). */
  split: 'validation' | 'train';
  /** Examples in that split (named for the default, held-out split), and how many were evaluated (`--limit`). */
  validationExamples: number;
  examples: number;
  /** Between the fingerprints of all generated answers and of all real replies: 0 = same style. */
  fingerprintDistance: number | null;
  /** Mean sentence-level chrF (0–100) of each answer against its real reply. */
  chrF: number | null;
  /** Corpus-level chrF over all pairs (sacreBLEU's corpus score). */
  corpusChrF: number | null;
  perplexity: {
    /** Mean per-example perplexity of the real replies under the base model. */
    base: number | null;
    /** The same under the adapter; null without an adapter. */
    adapter: number | null;
    /** Why a figure is null (an engine without token probabilities, no adapter). */
    note: string | null;
  };
  latency: {
    medianMs: number | null;
    p90Ms: number | null;
    firstTokenMedianMs: number | null;
    firstTokenP90Ms: number | null;
  };
  notes: string[];
  results: StyleExampleResult[];
}

function figure(value: number | null, digits = 2, unit = ''): string {
  return value === null ? '—' : `${value.toFixed(digits)}${unit}`;
}

function quoted(text: string, limit = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const short = flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
  return short.replaceAll('|', '\\|');
}

export function formatStyleReportMarkdown(report: StyleReport): string {
  const lines = [
    `# Style evaluation: ${report.persona}`,
    '',
    `- engine: ${report.engine}${report.model === null ? '' : ` (${report.model})`}`,
    `- adapter: ${report.adapter ?? 'none (base model)'}`,
    `- examples: ${report.examples} of ${report.validationExamples} ${report.split === 'train' ? 'in the training split (not held out: says whether training took)' : 'held out'} (seed ${report.seed})`,
    `- run at: ${report.createdAt}`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| fingerprint distance to the real replies (0 = same style) | ${figure(report.fingerprintDistance, 3)} |`,
    `| chrF, mean per answer (0–100) | ${figure(report.chrF)} |`,
    `| chrF, corpus | ${figure(report.corpusChrF)} |`,
    `| perplexity of the real replies, base model | ${figure(report.perplexity.base)} |`,
    `| perplexity of the real replies, adapter | ${figure(report.perplexity.adapter)} |`,
    `| latency per answer, median | ${figure(report.latency.medianMs, 0, ' ms')} |`,
    `| latency per answer, p90 | ${figure(report.latency.p90Ms, 0, ' ms')} |`,
    `| time to first token, median | ${figure(report.latency.firstTokenMedianMs, 0, ' ms')} |`,
    `| time to first token, p90 | ${figure(report.latency.firstTokenP90Ms, 0, ' ms')} |`,
  ];
  const notes = [...(report.perplexity.note === null ? [] : [report.perplexity.note]), ...report.notes];
  if (notes.length) lines.push('', '## Notes', '', ...notes.map((note) => `- ${note}`));
  lines.push('', '## Examples', '', '| # | prompt | real reply | generated | chrF | ppl base | ppl adapter | ms |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  report.results.forEach((result, index) => {
    lines.push(
      `| ${index + 1} | ${quoted(result.prompt)} | ${quoted(result.reference)} | ${quoted(result.generated)} | ${figure(result.chrF)} | ${figure(result.perplexityBase)} | ${figure(result.perplexityAdapter)} | ${Math.round(result.totalMs)} |`,
    );
  });
  return `${lines.join('\n')}\n`;
}
