/**
 * How many WebSocket sessions may be open at once, per API key and in all. Each session can
 * hold a VAD model, an STT stream and a turn; without a ceiling one key could open hundreds
 * and starve everyone (300 idle sessions once took the server from 1 GB to 3.7 GB and
 * `/healthz` to 9 s). A refused session is told why, with the setting to change.
 */
export interface SessionLimitSettings {
  maxSessionsPerKey: number;
  maxSessions: number;
}

export type SessionAdmission = { ok: true; release(): void } | { ok: false; message: string };

export interface SessionLimits {
  admit(keyId: string): SessionAdmission;
  /** Sessions open now, in all and for one key (for tests and the soak bench). */
  openSessions(keyId?: string): number;
}

export function createSessionLimits(settings: SessionLimitSettings): SessionLimits {
  const perKey = new Map<string, number>();
  let total = 0;
  return {
    admit(keyId) {
      if (total >= settings.maxSessions) {
        return { ok: false, message: `the server has ${total} sessions open, its limit (PERSONA_MAX_SESSIONS=${settings.maxSessions}); try again later` };
      }
      const forKey = perKey.get(keyId) ?? 0;
      if (forKey >= settings.maxSessionsPerKey) {
        return { ok: false, message: `this API key (and its tokens) has ${forKey} sessions open, its limit (PERSONA_MAX_SESSIONS_PER_KEY=${settings.maxSessionsPerKey}); end one first` };
      }
      perKey.set(keyId, forKey + 1);
      total++;
      let released = false;
      return {
        ok: true,
        release() {
          if (released) return;
          released = true;
          total--;
          const left = (perKey.get(keyId) ?? 1) - 1;
          // Deleted at zero: a key that once talked keeps no entry.
          if (left === 0) perKey.delete(keyId);
          else perKey.set(keyId, left);
        },
      };
    },
    openSessions(keyId) {
      return keyId === undefined ? total : (perKey.get(keyId) ?? 0);
    },
  };
}
