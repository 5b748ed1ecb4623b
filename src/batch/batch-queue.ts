/**
 * Where submitted batch jobs wait for a runner: the in-process queue (`createLocalBatchQueue`)
 * by default, BullMQ on Redis when `REDIS_URL` is set. Jobs are rows in the store first; a
 * queue only decides who runs them and when.
 */
export interface BatchQueue {
  /** Hands a stored, queued job to the runners. */
  enqueue(jobId: string): Promise<void>;
  /** Stops a job now (its status is already `cancelled` in the store): running items are interrupted and leave no file. */
  cancel(jobId: string): Promise<void>;
  /** Stops taking jobs and interrupts the running one, which stays `running` in the store and resumes on the next start. */
  close(): Promise<void>;
}
