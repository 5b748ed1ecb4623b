/** A worker whose model cannot load, as when the weights package is damaged. */
export {};

throw new Error('group1-shard3of7 is truncated');
