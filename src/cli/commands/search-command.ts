/** `persona search "QUERY"`: ranked passages with citations and scores. */
import { InvalidArgumentError, type Command } from 'commander';
import type { SearchHit } from '../../rag/hybrid-retriever.js';
import { openRetrieval } from '../../rag/open-retrieval.js';
import type { SearchFilter } from '../../rag/search-filter.js';
import { openStore } from '../../store/store.js';
import { collect, configFor, printJson } from '../command-context.js';

interface SearchFlags {
  k: number;
  persona?: string;
  json?: boolean;
  kind: string[];
  from?: Date;
  to?: Date;
  author?: string;
  personaOnly?: boolean;
}

const kinds = ['email', 'document', 'chat', 'interview'] as const;

export function registerSearchCommand(program: Command): void {
  program
    .command('search')
    .description('Search the persona\'s corpus: BM25 and dense results fused, near-duplicates removed, each passage with its source.')
    .argument('<query>', 'what to look for, in plain words')
    .option('-k, --k <n>', 'how many passages', parsePositiveInteger, 5)
    .option('-p, --persona <id>', 'the persona (default: $PERSONA_DEFAULT or "default")')
    .option('--kind <kind>', `only this kind of source (${kinds.join(', ')}; repeatable)`, collect, [])
    .option('--from <date>', 'only items dated on or after this day (YYYY-MM-DD)', parseDate)
    .option('--to <date>', 'only items dated on or before this day (YYYY-MM-DD)', parseDate)
    .option('--author <address-or-name>', 'only passages by this author')
    .option('--persona-only', "only the persona's own words")
    .option('--json', 'print JSON')
    .action(async (query: string, flags: SearchFlags, command: Command) => {
      const unknownKind = flags.kind.find((kind) => !kinds.includes(kind as (typeof kinds)[number]));
      if (unknownKind) command.error(`--kind must be one of ${kinds.join(', ')}, not "${unknownKind}"`);
      const config = configFor(command, { persona: flags.persona });
      using store = openStore(config);
      await using retrieval = await openRetrieval(config, store, config.persona);
      const filter: SearchFilter = {
        kinds: flags.kind as SearchFilter['kinds'],
        from: flags.from,
        to: flags.to && new Date(flags.to.getTime() + 86_399_999),
        author: flags.author,
        personaOnly: flags.personaOnly,
      };
      const result = await retrieval.retriever.search(query, { k: flags.k, filter });
      if (flags.json) return printJson({ query, persona: config.persona, embedder: retrieval.embedder.id, ...result });
      if (result.denseCoverage < 1) {
        process.stderr.write(
          `note: only ${Math.round(result.denseCoverage * 100)}% of the chunks are embedded; run \`persona embed\` for full dense search\n`,
        );
      }
      if (result.hits.length === 0) process.stdout.write('No passages found.\n');
      process.stdout.write(result.hits.map(formatHit).join('\n\n') + (result.hits.length ? '\n' : ''));
    });
}

function formatHit(hit: SearchHit, index: number): string {
  const ranks = [hit.lexicalRank && `bm25 #${hit.lexicalRank}`, hit.denseRank && `dense #${hit.denseRank} (${hit.similarity?.toFixed(2)})`].filter(Boolean).join(', ');
  const who = hit.isPersona ? 'the persona' : (hit.author ?? 'someone else');
  const text = hit.text.length > 600 ? `${hit.text.slice(0, 600)}…` : hit.text;
  return `[${index + 1}] ${hit.citation.label}\n    by ${who}; score ${hit.score.toFixed(4)} (${ranks})\n    ${text.replaceAll('\n', '\n    ')}`;
}

function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new InvalidArgumentError('a positive integer');
  return number;
}

function parseDate(value: string): Date {
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime())) throw new InvalidArgumentError('a date as YYYY-MM-DD');
  return date;
}
