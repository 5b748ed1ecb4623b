/**
 * The contract's `VectorFilter` as a Chroma `where` clause. Chroma wants one operator per
 * key and a non-empty, single-typed list for `$in`, so ranges become two clauses under
 * `$and` and a mixed list becomes one `$in` per type under `$or`.
 */
import type { Where } from 'chromadb';
import type { VectorFilter } from '../vector-store.js';

export type ChromaWhere =
  /** No constraint: leave `where` out. */
  | { kind: 'all' }
  /** A constraint that nothing can meet (an empty `in` list): skip the request. */
  | { kind: 'none' }
  | { kind: 'where'; where: Where };

export function toChromaWhere(filter: VectorFilter | undefined): ChromaWhere {
  const clauses: Where[] = [];
  for (const [key, condition] of Object.entries(filter ?? {})) {
    if (typeof condition !== 'object') {
      clauses.push({ [key]: { $eq: condition } });
    } else if ('in' in condition) {
      const strings = condition.in.filter((value): value is string => typeof value === 'string');
      const numbers = condition.in.filter((value): value is number => typeof value === 'number');
      const lists: Where[] = [];
      if (strings.length > 0) lists.push({ [key]: { $in: strings } });
      if (numbers.length > 0) lists.push({ [key]: { $in: numbers } });
      const [only] = lists;
      if (only === undefined) return { kind: 'none' };
      clauses.push(lists.length === 1 ? only : { $or: lists });
    } else {
      if (condition.gte !== undefined) clauses.push({ [key]: { $gte: condition.gte } });
      if (condition.lte !== undefined) clauses.push({ [key]: { $lte: condition.lte } });
    }
  }
  const [first] = clauses;
  if (first === undefined) return { kind: 'all' };
  return { kind: 'where', where: clauses.length === 1 ? first : { $and: clauses } };
}
