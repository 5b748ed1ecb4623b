/** What the main thread and a USE lite worker say to each other. */

export interface EmbedRequest {
  type: 'embed';
  jobId: number;
  texts: string[];
  maxTokens: number;
}

export interface CloseRequest {
  type: 'close';
}

export type WorkerRequest = EmbedRequest | CloseRequest;

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'load-failed'; message: string }
  /** `vectors` holds `rows` unit vectors of `dimensions` floats, one after the other. */
  | { type: 'vectors'; jobId: number; rows: number; dimensions: number; vectors: Float32Array }
  | { type: 'job-failed'; jobId: number; message: string }
  /** The worker blocked a connection; see network-guard.ts. */
  | { type: 'network-attempt'; target: string };
