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

  private unitQuery(query: ArrayLike<number>): Float32Array {
    if (query.length !== this.dim) throw new RangeError(`query has ${query.length} values, index expects ${this.dim}`);
    let norm = 0;
    for (let i = 0; i < this.dim; i++) norm += query[i] * query[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0)) throw new RangeError('cannot search with a zero query');
    return Float32Array.from({ length: this.dim }, (_, i) => query[i] / norm);
  }

  /**
   * Cosine similarity of the query with rows [from, to) (or the listed rows), written to `out`.
   * Hand-unrolled monomorphic loops: this is the whole cost of a search, and a closure call
   * per row made it 4× slower at a million rows.
   */
  private similarities(q: Float32Array, out: Float32Array, rows?: Int32Array): void {
    const dim = this.dim;
    const n = rows ? rows.length : this.count;
    const tail = dim - (dim % 4);
    if (this.precision === 'float32') {
      const v = this.f32;
      for (let k = 0; k < n; k++) {
        const base = (rows ? rows[k] : k) * dim;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let i = 0;
        for (; i < tail; i += 4) {
          s0 += q[i] * v[base + i];
          s1 += q[i + 1] * v[base + i + 1];
          s2 += q[i + 2] * v[base + i + 2];
          s3 += q[i + 3] * v[base + i + 3];
        }
        for (; i < dim; i++) s0 += q[i] * v[base + i];
        out[k] = s0 + s1 + s2 + s3;
      }
    } else {
      const v = this.i8;
      const scales = this.scales;
      for (let k = 0; k < n; k++) {
        const row = rows ? rows[k] : k;
        const base = row * dim;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let i = 0;
        for (; i < tail; i += 4) {
          s0 += q[i] * v[base + i];
          s1 += q[i + 1] * v[base + i + 1];
          s2 += q[i + 2] * v[base + i + 2];
          s3 += q[i + 3] * v[base + i + 3];
        }
        for (; i < dim; i++) s0 += q[i] * v[base + i];
        out[k] = (s0 + s1 + s2 + s3) * scales[row];
      }
    }
  }

  /** Rows to scan (all when `groups` is absent) and their similarities to the query. */
  private scan(query: ArrayLike<number>, groups?: Iterable<number>): { rows: Int32Array | null; sims: Float32Array } {
    const q = this.unitQuery(query);
    if (groups === undefined) {
      const sims = new Float32Array(this.count);
      this.similarities(q, sims);
      return { rows: null, sims };
    }
    const postings = this.buildPostings();
    const wanted = [...new Set(groups)].filter((g) => postings[g]);
    const rows = new Int32Array(wanted.reduce((a, g) => a + postings[g].length, 0));
    let o = 0;
    for (const g of wanted) {
      rows.set(postings[g], o);
      o += postings[g].length;
    }
    const sims = new Float32Array(rows.length);
    this.similarities(q, sims, rows);
    return { rows, sims };
  }

  /** The k most similar rows, best first. */
  searchRows(query: ArrayLike<number>, k: number, groups?: Iterable<number>): RowHit[] {
    const { rows, sims } = this.scan(query, groups);
    const top = new TopK(k);
    for (let i = 0; i < sims.length; i++) top.push(rows ? rows[i] : i, sims[i]);
    return top.sorted().map(([row, similarity]) => ({ row, similarity }));
  }

  /** The k groups whose best row is most similar, best first; `groups` narrows the search. */
  searchGroups(query: ArrayLike<number>, k: number, groups?: Iterable<number>): GroupHit[] {
    const best = new Float32Array(this.groupCount).fill(-Infinity);
    const bestRow = new Int32Array(this.groupCount).fill(-1);
    const g = this.groups;
    const { rows, sims } = this.scan(query, groups);
    for (let i = 0; i < sims.length; i++) {
      const row = rows ? rows[i] : i;
      const grp = g[row];
      if (sims[i] > best[grp]) {
        best[grp] = sims[i];
        bestRow[grp] = row;
      }
    }
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
