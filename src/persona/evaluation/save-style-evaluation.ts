/**
 * Where a style evaluation's figures are kept: a `style_evaluations` row (the whole report)
 * and, for an adapter, its manifest entry in the vault (the headline figures), so
 * `persona adapters list --json` shows how each adapter fared.
 */
import type { AdapterEntry, AdapterVault } from '../../llm/adapter-vault.js';
import type { SqliteDatabase } from '../../store/open-database.js';
import type { StyleReport } from './style-report.js';

/** Stores the report; returns the row's id. */
export function saveStyleEvaluation(database: SqliteDatabase, report: StyleReport): number {
  const inserted = database
    .prepare('INSERT INTO style_evaluations (persona_id, engine, adapter_id, report, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(report.persona, report.engine, report.adapter, JSON.stringify(report), report.createdAt);
  return Number(inserted.lastInsertRowid);
}

export interface StoredStyleEvaluation {
  id: number;
  engine: string;
  adapterId: string | null;
  report: StyleReport;
  createdAt: string;
}

export function listStyleEvaluations(database: SqliteDatabase, persona: string): StoredStyleEvaluation[] {
  const rows = database
    .prepare('SELECT id, engine, adapter_id AS adapterId, report, created_at AS createdAt FROM style_evaluations WHERE persona_id = ? ORDER BY id')
    .all(persona) as { id: number; engine: string; adapterId: string | null; report: string; createdAt: string }[];
  return rows.map((row) => ({ ...row, report: JSON.parse(row.report) as StyleReport }));
}

/** Writes the headline figures into the adapter's manifest entry; `reportFolder` says where the full report is. */
export function recordAdapterEvaluation(vault: AdapterVault, report: StyleReport, reportFolder?: string): AdapterEntry | undefined {
  if (report.adapter === null) return undefined;
  return vault.recordEvaluation(report.adapter, {
    evaluatedAt: report.createdAt,
    engine: report.engine,
    examples: report.examples,
    fingerprintDistance: report.fingerprintDistance,
    chrF: report.chrF,
    perplexityBase: report.perplexity.base,
    perplexityAdapter: report.perplexity.adapter,
    latencyMedianMs: report.latency.medianMs,
    latencyP90Ms: report.latency.p90Ms,
    firstTokenMedianMs: report.latency.firstTokenMedianMs,
    ...(reportFolder === undefined ? {} : { report: reportFolder }),
  });
}
