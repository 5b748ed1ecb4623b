/**
 * Spherical k-means on unit vectors (cosine), k-means++ seeding from a seeded generator,
 * several restarts keeping the tightest; and the mean silhouette that picks k.
 */
import { seededRandom } from '../../seeded-random.js';

export interface Clustering {
  k: number;
  /** The cluster of each vector. */
  assignments: number[];
  /** Unit-length centroids. */
  centroids: Float32Array[];
  /** Sum over vectors of the cosine distance to their centroid. */
  inertia: number;
}

export interface KMeansOptions {
  seed: number;
  /** Each restart starts from other k-means++ seeds; the tightest result is kept. Default 8. */
  restarts?: number;
  maxIterations?: number;
}

export function kMeans(vectors: readonly Float32Array[], k: number, options: KMeansOptions): Clustering {
  if (k < 1 || k > vectors.length) throw new RangeError(`k must be between 1 and the number of vectors (${vectors.length}), not ${k}`);
  const random = seededRandom(options.seed);
  let best: Clustering | undefined;
  for (let restart = 0; restart < (options.restarts ?? 8); restart += 1) {
    const clustering = refine(vectors, seedCentroids(vectors, k, random), options.maxIterations ?? 100);
    if (!best || clustering.inertia < best.inertia - 1e-9) best = clustering;
  }
  return best!;
}

export function cosineDistance(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < left.length; index += 1) dot += left[index]! * right[index]!;
  return 1 - dot;
}

/**
 * Mean silhouette with cosine distance, overall and per cluster: near 1 when every vector is
 * much closer to its own cluster than to the next, near 0 when clusters overlap.
 * A vector alone in its cluster scores 0, as in Rousseeuw's definition.
 */
export function silhouette(vectors: readonly Float32Array[], assignments: readonly number[], k: number): { mean: number; byCluster: number[] } {
  const sizes = new Array<number>(k).fill(0);
  for (const cluster of assignments) sizes[cluster]! += 1;
  const sums = new Array<number>(k).fill(0);
  const scores = vectors.map((vector, index) => {
    const own = assignments[index]!;
    if (sizes[own]! <= 1) return 0;
    const distanceSums = new Array<number>(k).fill(0);
    vectors.forEach((other, otherIndex) => {
      if (otherIndex !== index) distanceSums[assignments[otherIndex]!]! += cosineDistance(vector, other);
    });
    const within = distanceSums[own]! / (sizes[own]! - 1);
    let nearest = Infinity;
    for (let cluster = 0; cluster < k; cluster += 1) {
      if (cluster !== own && sizes[cluster]! > 0) nearest = Math.min(nearest, distanceSums[cluster]! / sizes[cluster]!);
    }
    const score = nearest === Infinity ? 0 : (nearest - within) / Math.max(nearest, within, 1e-12);
    return score;
  });
  scores.forEach((score, index) => (sums[assignments[index]!]! += score));
  return {
    mean: scores.reduce((total, score) => total + score, 0) / Math.max(1, scores.length),
    byCluster: sums.map((sum, cluster) => (sizes[cluster]! > 0 ? sum / sizes[cluster]! : 0)),
  };
}

/** k-means++: each next seed is drawn with probability proportional to its distance from the nearest seed so far. */
function seedCentroids(vectors: readonly Float32Array[], k: number, random: () => number): Float32Array[] {
  const centroids = [vectors[Math.floor(random() * vectors.length)]!];
  const nearest = vectors.map((vector) => cosineDistance(vector, centroids[0]!));
  while (centroids.length < k) {
    const total = nearest.reduce((sum, distance) => sum + Math.max(0, distance), 0);
    let pick = 0;
    if (total > 0) {
      let target = random() * total;
      for (pick = 0; pick < vectors.length - 1; pick += 1) {
        target -= Math.max(0, nearest[pick]!);
        if (target <= 0) break;
      }
    } else {
      pick = Math.floor(random() * vectors.length);
    }
    const chosen = vectors[pick]!;
    centroids.push(chosen);
    vectors.forEach((vector, index) => (nearest[index] = Math.min(nearest[index]!, cosineDistance(vector, chosen))));
  }
  return centroids.map((centroid) => Float32Array.from(centroid));
}

function refine(vectors: readonly Float32Array[], initial: Float32Array[], maxIterations: number): Clustering {
  let centroids = initial;
  let assignments = new Array<number>(vectors.length).fill(-1);
  for (let iteration = 0; iteration < maxIterations; iteration += 1) {
    const next = vectors.map((vector) => nearestCentroid(vector, centroids));
    const changed = next.some((cluster, index) => cluster !== assignments[index]);
    assignments = next;
    centroids = centroids.map((centroid, cluster) => meanDirection(vectors, assignments, cluster) ?? centroid);
    if (!changed) break;
  }
  const inertia = vectors.reduce((sum, vector, index) => sum + cosineDistance(vector, centroids[assignments[index]!]!), 0);
  return { k: centroids.length, assignments, centroids, inertia };
}

function nearestCentroid(vector: Float32Array, centroids: readonly Float32Array[]): number {
  let best = 0;
  let bestDistance = Infinity;
  centroids.forEach((centroid, cluster) => {
    const distance = cosineDistance(vector, centroid);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = cluster;
    }
  });
  return best;
}

/** The normalised mean of a cluster's vectors; undefined for an empty cluster (it keeps its old centroid). */
function meanDirection(vectors: readonly Float32Array[], assignments: readonly number[], cluster: number): Float32Array | undefined {
  let sum: Float32Array | undefined;
  vectors.forEach((vector, index) => {
    if (assignments[index] !== cluster) return;
    sum ??= new Float32Array(vector.length);
    for (let dimension = 0; dimension < vector.length; dimension += 1) sum[dimension]! += vector[dimension]!;
  });
  if (!sum) return undefined;
  const norm = Math.hypot(...sum) || 1;
  return sum.map((value) => value / norm);
}

