/** What the widget exposes as `element.state` and in each `persona-state` event. */
import type { ServerEvent } from '../../src/events.js';
import type { ConnectionStatus } from './talk-connection.js';

export interface PersonaWidgetState {
  connection: ConnectionStatus;
  sessionReady: boolean;
  micActive: boolean;
  /** The newest turn of this server session; a reconnect starts a new session and resets it. */
  currentTurn: number | null;
  /** Milliseconds of each turn's audio actually played. */
  playedMs: Record<number, number>;
  interruptedTurns: number[];
  lastMetrics: Extract<ServerEvent, { type: 'turn-metrics' }> | null;
}

export function initialState(): PersonaWidgetState {
  return { connection: 'connecting', sessionReady: false, micActive: false, currentTurn: null, playedMs: {}, interruptedTurns: [], lastMetrics: null };
}

/** A copy the host page can keep or change without touching the widget's own. */
export function snapshotState(state: PersonaWidgetState): Readonly<PersonaWidgetState> {
  return Object.freeze({ ...state, playedMs: { ...state.playedMs }, interruptedTurns: [...state.interruptedTurns] });
}
