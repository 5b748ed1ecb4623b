/**
 * Silero VADs shared by the voice sessions of one server, one stream at a time each. An ONNX
 * session costs ~10 MB that onnxruntime's release never hands back to the OS (measured: 50
 * sessions, 83 → 600 MB, still 600 MB after release), so a server that made a fresh VAD
 * for every session grew with every session ever opened (300 sessions: 1.1 → 3.7 GB after
 * they had all closed). Released VADs are reset and kept for the next session instead, so
 * the server holds at most as many as were ever listening at once. New ones are made one at
 * a time: a burst of sessions opening their mics would otherwise load hundreds of models at
 * once and stall every request (a 20 s `/healthz`).
 */
import type { SileroVad } from '../stt/vad/silero-vad.js';

export interface VadPool {
  /**
   * A VAD for one stream; its `close()` gives it back (reset) rather than releasing the model.
   * A session that ends while it waits for one (`signal`) makes none: a burst of sessions that
   * came and went must not leave a queue of models being built for nobody.
   */
  acquire(signal?: AbortSignal): Promise<SileroVad>;
  /** VADs made so far / waiting in the pool (for tests and the soak bench). */
  readonly created: number;
  readonly idle: number;
  /** Releases every pooled VAD; VADs given back later are released at once. */
  close(): Promise<void>;
}

export function createVadPool(create: () => Promise<SileroVad>, options: { maxIdle: number }): VadPool {
  const idle: SileroVad[] = [];
  let created = 0;
  let closed = false;
  let making: Promise<unknown> = Promise.resolve();

  const make = (signal: AbortSignal | undefined): Promise<SileroVad> => {
    const next = making.then(async () => {
      signal?.throwIfAborted();
      // One may have been given back while this request waited its turn.
      const pooled = idle.pop();
      if (pooled) return pooled;
      const vad = await create();
      created++;
      return vad;
    });
    making = next.catch(() => undefined);
    return next;
  };

  const lease = (vad: SileroVad): SileroVad => {
    let returned = false;
    const giveBack = async (): Promise<void> => {
      if (returned) return;
      returned = true;
      // The next stream must not start from this speaker's recurrent state.
      vad.reset();
      if (closed || idle.length >= options.maxIdle) await vad.close();
      else idle.push(vad);
    };
    return {
      settings: vad.settings,
      frameSamples: vad.frameSamples,
      probability: (frame) => (returned ? Promise.reject(new Error('this VAD was given back to the pool')) : vad.probability(frame)),
      reset: () => vad.reset(),
      close: giveBack,
      [Symbol.asyncDispose]: giveBack,
    };
  };

  return {
    async acquire(signal) {
      const pooled = idle.pop();
      return lease(pooled ?? (await make(signal)));
    },
    get created() {
      return created;
    },
    get idle() {
      return idle.length;
    },
    async close() {
      closed = true;
      await Promise.allSettled(idle.splice(0).map((vad) => vad.close()));
    },
  };
}
