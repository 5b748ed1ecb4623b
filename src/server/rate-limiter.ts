/** A token bucket: `perSecond` messages a second on average, bursts up to the same number. */
export interface RateLimiter {
  /** Takes one token; false when the bucket is empty. */
  take(): boolean;
}

export function createRateLimiter(perSecond: number, now: () => number = () => performance.now()): RateLimiter {
  let tokens = perSecond;
  let last = now();
  return {
    take() {
      const current = now();
      tokens = Math.min(perSecond, tokens + ((current - last) / 1000) * perSecond);
      last = current;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
