/**
 * A bounded cache that keeps what was used recently: two generations of Maps. New entries and hits
 * go to the young generation; when it is full it becomes the old one and the previous old one is
 * dropped. A hit in the old generation is moved to the young one. Unlike a strict LRU on one Map
 * (delete and re-insert on every hit), a hit in the young generation costs one lookup, which matters
 * on the classifier's hot path. At most `maxEntries` entries are held.
 */
export class LruCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generationSize: number;

  constructor(maxEntries: number) {
    this.generationSize = Math.max(1, Math.floor(maxEntries / 2));
  }

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.insert(key, o);
    }
    return o;
  }

  set(key: K, value: V): void {
    this.old.delete(key);
    this.insert(key, value);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  private insert(key: K, value: V): void {
    if (!this.young.has(key) && this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
