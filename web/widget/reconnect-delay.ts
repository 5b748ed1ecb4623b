/**
 * Exponential back-off for reconnecting: 0.5 s doubling to 8 s. The jitter keeps many
 * widgets that lost the same server from all coming back in the same instant.
 */
export const firstReconnectDelayMs = 500;
export const longestReconnectDelayMs = 8000;

/** The wait before reconnect attempt `attempt` (0 for the first), between half and all of the back-off step. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(longestReconnectDelayMs, firstReconnectDelayMs * 2 ** Math.max(0, attempt));
  return Math.round(step * (0.5 + 0.5 * random()));
}
