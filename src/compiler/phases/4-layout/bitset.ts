/** Fixed-size set of small integers (value ids), for the dataflow analyses. */
export class BitSet {
  readonly words: Uint32Array;
  readonly size: number;
  constructor(size: number) {
    this.size = size;
    this.words = new Uint32Array((size + 31) >>> 5);
  }
  static full(size: number): BitSet {
    const set = new BitSet(size);
    for (let i = 0; i < size; i++) set.add(i);
    return set;
  }
  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }
  delete(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31));
  }
  copy(): BitSet {
    const set = new BitSet(this.size);
    set.words.set(this.words);
    return set;
  }
  equals(other: BitSet): boolean {
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== other.words[i]) return false;
    return true;
  }
  unionWith(other: BitSet): void {
    for (let i = 0; i < this.words.length; i++) this.words[i]! |= other.words[i]!;
  }
  intersectWith(other: BitSet): void {
    for (let i = 0; i < this.words.length; i++) this.words[i]! &= other.words[i]!;
  }
  subtract(other: BitSet): void {
    for (let i = 0; i < this.words.length; i++) this.words[i]! &= ~other.words[i]!;
  }
  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.has(i)) out.push(i);
    return out;
  }
}
