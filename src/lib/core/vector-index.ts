// Exact cosine search over reference embeddings, grouped by product.
//
// Exact, not approximate: a brute-force scan over int8 rows is ~1M×dim multiply-adds, which
// bench/ measures well inside a check's latency budget at a million references; an ANN index
// would add recall loss and build time for no measured gain at this scale.
//
// Rows are L2-normalised on insertion, so cosine = dot product. Storage is either float32 or
// int8 with one scale per row (symmetric, scale = max|v| / 127): 4× less memory, and the
// rank order of neighbours is preserved to within the quantisation error (tests hold it).
// Rows are kept in one growable typed array (no per-row objects) so a million rows cost
// dim bytes each plus 8 bytes of bookkeeping, nothing more.

export type VectorPrecision = 'float32' | 'int8';

export interface RowHit {
  row: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

export interface GroupHit {
  group: number;
  /** Best cosine similarity of any row of the group. */
  similarity: number;
  /** The row that achieved it (e.g. the reference image to show beside the query). */
  row: number;
}

export class VectorIndex {
  readonly dim: number;
  readonly precision: VectorPrecision;
  private f32: Float32Array;
  private i8: Int8Array;
  private scales: Float32Array;
  private groups: Int32Array;
  private count = 0;
  private groupCount = 0;
  /** Rows of each group, built lazily for candidate-narrowed search. */
  private postings: Int32Array[] | null = null;

  constructor(dim: number, precision: VectorPrecision = 'float32', capacity = 1024) {
    if (!(Number.isInteger(dim) && dim > 0)) throw new RangeError(`bad dimension ${dim}`);
    this.dim = dim;
    this.precision = precision;
    const cap = Math.max(1, capacity);
    this.f32 = new Float32Array(precision === 'float32' ? cap * dim : 0);
    this.i8 = new Int8Array(precision === 'int8' ? cap * dim : 0);
    this.scales = new Float32Array(precision === 'int8' ? cap : 0);
    this.groups = new Int32Array(cap);
  }

  get size(): number {
    return this.count;
  }

  get groupsSeen(): number {
    return this.groupCount;
  }

  /** Bytes held by the vectors and their bookkeeping (not counting unused capacity). */
  get bytes(): number {
    const perRow = this.precision === 'float32' ? this.dim * 4 : this.dim + 4;
    return this.count * (perRow + 4);
  }

  groupOf(row: number): number {
    return this.groups[row];
  }

  /** Adds one vector (any length-dim array; normalised here) to a group; returns its row. */
  add(vector: ArrayLike<number>, group: number): number {
    if (vector.length !== this.dim) throw new RangeError(`vector has ${vector.length} values, index expects ${this.dim}`);
    if (!(Number.isInteger(group) && group >= 0)) throw new RangeError(`bad group ${group}`);
    this.ensureCapacity(this.count + 1);
    let norm = 0;
    for (let i = 0; i < this.dim; i++) norm += vector[i] * vector[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Number.isFinite(norm)) throw new RangeError('cannot index a zero or non-finite vector');
    const row = this.count;
    const base = row * this.dim;
    if (this.precision === 'float32') {
      for (let i = 0; i < this.dim; i++) this.f32[base + i] = vector[i] / norm;
    } else {
      let maxAbs = 0;
      for (let i = 0; i < this.dim; i++) maxAbs = Math.max(maxAbs, Math.abs(vector[i] / norm));
      const scale = maxAbs / 127;
      for (let i = 0; i < this.dim; i++) this.i8[base + i] = Math.round(vector[i] / norm / scale);
      this.scales[row] = scale;
    }
    this.groups[row] = group;
    this.groupCount = Math.max(this.groupCount, group + 1);
    this.count++;
    this.postings = null;
    return row;
  }

  /** Cosine similarity of a query with every row (optionally only rows of `groups`). */
  private scan(query: ArrayLike<number>, visit: (row: number, similarity: number) => void, groups?: Iterable<number>): void {
    if (query.length !== this.dim) throw new RangeError(`query has ${query.length} values, index expects ${this.dim}`);
    let norm = 0;
    for (let i = 0; i < this.dim; i++) norm += query[i] * query[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0)) throw new RangeError('cannot search with a zero query');
    const q = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) q[i] = query[i] / norm;
    const dim = this.dim;
    const score = this.precision === 'float32'
      ? (row: number) => {
          const v = this.f32;
          const base = row * dim;
          let s = 0;
          for (let i = 0; i < dim; i++) s += q[i] * v[base + i];
          return s;
        }
      : (row: number) => {
          const v = this.i8;
          const base = row * dim;
          let s = 0;
          for (let i = 0; i < dim; i++) s += q[i] * v[base + i];
          return s * this.scales[row];
        };
    if (groups === undefined) {
      for (let row = 0; row < this.count; row++) visit(row, score(row));
      return;
    }
    const postings = this.buildPostings();
    for (const g of groups) {
      const rows = postings[g];
      if (!rows) continue;
      for (let k = 0; k < rows.length; k++) visit(rows[k], score(rows[k]));
    }
  }

  /** The k most similar rows, best first. */
  searchRows(query: ArrayLike<number>, k: number, groups?: Iterable<number>): RowHit[] {
    const top = new TopK(k);
    this.scan(query, (row, s) => top.push(row, s), groups);
    return top.sorted().map(([row, similarity]) => ({ row, similarity }));
  }

  /** The k groups whose best row is most similar, best first; `groups` narrows the search. */
  searchGroups(query: ArrayLike<number>, k: number, groups?: Iterable<number>): GroupHit[] {
    const best = new Float32Array(this.groupCount).fill(-Infinity);
    const bestRow = new Int32Array(this.groupCount).fill(-1);
    const g = this.groups;
    this.scan(query, (row, s) => {
      const grp = g[row];
      if (s > best[grp]) {
        best[grp] = s;
        bestRow[grp] = row;
      }
    }, groups === undefined ? undefined : new Set(groups));
    const top = new TopK(k);
    for (let grp = 0; grp < this.groupCount; grp++) if (bestRow[grp] >= 0) top.push(grp, best[grp]);
    return top.sorted().map(([group, similarity]) => ({ group, similarity, row: bestRow[group] }));
  }

  private buildPostings(): Int32Array[] {
    if (this.postings) return this.postings;
    const counts = new Int32Array(this.groupCount);
    for (let r = 0; r < this.count; r++) counts[this.groups[r]]++;
    const postings = Array.from(counts, (c) => new Int32Array(c));
    const fill = new Int32Array(this.groupCount);
    for (let r = 0; r < this.count; r++) {
      const grp = this.groups[r];
      postings[grp][fill[grp]++] = r;
    }
    this.postings = postings;
    return postings;
  }

  private ensureCapacity(rows: number): void {
    const cap = this.groups.length;
    if (rows <= cap) return;
    const next = Math.max(rows, cap * 2);
    const grow = <T extends Float32Array | Int8Array | Int32Array>(a: T, n: number, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    if (this.precision === 'float32') this.f32 = grow(this.f32, next * this.dim, (n) => new Float32Array(n));
    else {
      this.i8 = grow(this.i8, next * this.dim, (n) => new Int8Array(n));
      this.scales = grow(this.scales, next, (n) => new Float32Array(n));
    }
    this.groups = grow(this.groups, next, (n) => new Int32Array(n));
  }
}

/** Keeps the k largest (id, value) pairs seen; O(log k) per push via a min-heap. */
export class TopK {
  private readonly ids: number[] = [];
  private readonly values: number[] = [];
  constructor(private readonly k: number) {
    if (!(k >= 1)) throw new RangeError(`k must be at least 1, got ${k}`);
  }

  push(id: number, value: number): void {
    const { ids, values } = this;
    if (values.length < this.k) {
      ids.push(id);
      values.push(value);
      this.siftUp(values.length - 1);
    } else if (value > values[0]) {
      ids[0] = id;
      values[0] = value;
      this.siftDown(0);
    }
  }

  /** Best first; ties broken by smaller id so results are deterministic. */
  sorted(): [number, number][] {
    return this.ids.map((id, i): [number, number] => [id, this.values[i]]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }

  private less(i: number, j: number): boolean {
    return this.values[i] < this.values[j] || (this.values[i] === this.values[j] && this.ids[i] > this.ids[j]);
  }

  private swap(i: number, j: number): void {
    [this.ids[i], this.ids[j]] = [this.ids[j], this.ids[i]];
    [this.values[i], this.values[j]] = [this.values[j], this.values[i]];
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private siftDown(i: number): void {
    const n = this.values.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
