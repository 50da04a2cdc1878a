// Append-only typed columns, so the accumulator keeps one compact record per detection and no objects.

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;
type TypedArrayConstructor<T extends TypedArray> = new (length: number) => T;

export class Column<T extends TypedArray> {
  private data: T;
  length = 0;

  constructor(
    private readonly ctor: TypedArrayConstructor<T>,
    private readonly width = 1,
    initialRows = 1024,
  ) {
    this.data = new ctor(initialRows * width);
  }

  /** Room for `rows` more rows; returns the row index where they start. */
  reserve(rows: number): number {
    const needed = (this.length + rows) * this.width;
    if (needed > this.data.length) {
      const next = new this.ctor(Math.max(needed, this.data.length * 2));
      next.set(this.data.subarray(0, this.length * this.width) as never);
      this.data = next;
    }
    const start = this.length;
    this.length += rows;
    return start;
  }

  /**
   * Appends one row of width 1 and returns its index. Use this rather than `values[reserve(1)] = v`: JavaScript
   * evaluates `values` before `reserve`, so when reserve() grows the column the write lands in the discarded array.
   */
  push(value: number): number {
    const at = this.reserve(1);
    this.data[at * this.width] = value;
    return at;
  }

  /** The backing array; valid until the next reserve() or push(): read it after reserving, never before. */
  get values(): T {
    return this.data;
  }

  view(): T {
    return this.data.subarray(0, this.length * this.width) as T;
  }
}
