// What wasm-bindgen cannot declare on exported classes: rest parameters and iterators. The
// list's `insert(index, ...values)` and `push(...values)` forward to `insertValues` and
// `pushValues`; lists iterate their elements and maps their `[name, value]` pairs.
import { ListRef, MapRef, type JsonValue } from "./wasm/weft_wasm.js";

declare module "./wasm/weft_wasm.js" {
  interface ListRef {
    /** Inserts `values` in order at `index` (plain objects and arrays become nested maps and lists). */
    insert(index: number, ...values: JsonValue[]): void;
    /** Appends `values` in order (plain objects and arrays become nested maps and lists). */
    push(...values: JsonValue[]): void;
    /** The elements as plain data, in order. */
    [Symbol.iterator](): IterableIterator<JsonValue>;
  }
  interface MapRef {
    /** `[name, value]` pairs as plain data, names sorted. */
    [Symbol.iterator](): IterableIterator<[string, JsonValue]>;
  }
}

Object.defineProperties(ListRef.prototype, {
  insert: {
    value(this: ListRef, index: number, ...values: JsonValue[]): void {
      this.insertValues(index, values);
    },
  },
  push: {
    value(this: ListRef, ...values: JsonValue[]): void {
      this.pushValues(values);
    },
  },
  [Symbol.iterator]: {
    value(this: ListRef): IterableIterator<JsonValue> {
      return this.toArray()[Symbol.iterator]();
    },
  },
});

Object.defineProperty(MapRef.prototype, Symbol.iterator, {
  value(this: MapRef): IterableIterator<[string, JsonValue]> {
    return this.entries()[Symbol.iterator]();
  },
});
