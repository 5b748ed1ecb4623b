/** The k best-scored items of a stream, kept in a min-heap: O(n log k), no full sort. */
export interface TopK<T> {
  wouldAccept(score: number): boolean;
  offer(item: T, score: number): void;
  /** Best first; ties keep the order they were offered in. */
  sorted(): { item: T; score: number }[];
}

interface Entry<T> {
  item: T;
  score: number;
  order: number;
}

export function createTopK<T>(k: number): TopK<T> {
  const heap: Entry<T>[] = [];
  let offered = 0;
  // "Worse" = lower score, or the same score offered later.
  const worse = (left: Entry<T>, right: Entry<T>): boolean => left.score < right.score || (left.score === right.score && left.order > right.order);

  const siftUp = (start: number): void => {
    let index = start;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!worse(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  };
  const siftDown = (): void => {
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && worse(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && worse(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  };

  return {
    wouldAccept: (score) => k > 0 && (heap.length < k || score > heap[0]!.score),
    offer(item, score) {
      const entry = { item, score, order: offered++ };
      if (heap.length < k) {
        heap.push(entry);
        siftUp(heap.length - 1);
      } else if (k > 0 && worse(heap[0]!, entry)) {
        heap[0] = entry;
        siftDown();
      }
    },
    sorted: () => [...heap].sort((left, right) => right.score - left.score || left.order - right.order).map(({ item, score }) => ({ item, score })),
  };
}
