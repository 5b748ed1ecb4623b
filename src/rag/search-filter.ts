/** What a search may be narrowed to: kinds of source, a date range, an author, the persona's own words. */
export interface SearchFilter {
  kinds?: readonly ('email' | 'document' | 'chat' | 'interview')[];
  /** Inclusive; compared with the item's date. Items without a date are left out when a range is given. */
  from?: Date;
  to?: Date;
  /** An address or a name, matched case-insensitively against the passage's author. */
  author?: string;
  /** Only passages the persona wrote (the style corpus). */
  personaOnly?: boolean;
}

export interface FilterableChunk {
  kind: string;
  sentAtSeconds?: number;
  authorName?: string;
  authorAddress?: string;
  isPersona: boolean;
}

export function matchesFilter(chunk: FilterableChunk, filter: SearchFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.kinds?.length && !filter.kinds.includes(chunk.kind as never)) return false;
  if (filter.personaOnly && !chunk.isPersona) return false;
  if (filter.from || filter.to) {
    if (chunk.sentAtSeconds === undefined) return false;
    if (filter.from && chunk.sentAtSeconds < filter.from.getTime() / 1000) return false;
    if (filter.to && chunk.sentAtSeconds > filter.to.getTime() / 1000) return false;
  }
  if (filter.author) {
    const wanted = filter.author.trim().toLowerCase();
    const address = chunk.authorAddress?.toLowerCase();
    const name = chunk.authorName?.toLowerCase();
    if (address !== wanted && !(name && name.includes(wanted))) return false;
  }
  return true;
}
