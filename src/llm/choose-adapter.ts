/**
 * Which adapter answers a turn: an explicit request, then the session's persona and
 * mode, then rules on task or tone, else the base model. A chosen adapter whose file
 * is missing falls back to the base model, and the reason says so.
 */
import type { AdapterEntry, AdapterVault } from './adapter-vault.js';

export interface AdapterRequest {
  persona: string;
  /** `--adapter ID` or the session's explicit choice. */
  requested?: string;
  mode?: string;
  task?: string;
  tone?: string;
}

export interface AdapterDecision {
  adapter?: AdapterEntry;
  reason: 'requested' | 'persona-mode' | 'task' | 'tone' | 'persona' | 'base' | 'missing-file' | 'unknown-adapter';
}

export function chooseAdapter(vault: AdapterVault, request: AdapterRequest): AdapterDecision {
  const adapters = vault.list();
  const usable = (adapter: AdapterEntry | undefined, reason: AdapterDecision['reason']): AdapterDecision | undefined => {
    if (!adapter) return undefined;
    return vault.fileExists(adapter) ? { adapter, reason } : { reason: 'missing-file' };
  };
  if (request.requested) {
    return usable(adapters.find((adapter) => adapter.id === request.requested), 'requested') ?? { reason: 'unknown-adapter' };
  }
  const personas = adapters.filter((adapter) => adapter.persona === request.persona);
  const decision =
    (request.mode ? usable(personas.find((adapter) => adapter.modes.includes(request.mode!)), 'persona-mode') : undefined) ??
    (request.task ? usable(personas.find((adapter) => adapter.tasks.includes(request.task!)), 'task') : undefined) ??
    (request.tone ? usable(personas.find((adapter) => adapter.moods.includes(request.tone!)), 'tone') : undefined) ??
    usable(personas.find((adapter) => adapter.modes.length === 0 && adapter.tasks.length === 0 && adapter.moods.length === 0) ?? personas[0], 'persona');
  return decision ?? { reason: 'base' };
}
