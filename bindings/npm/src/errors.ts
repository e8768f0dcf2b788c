import type { WeftErrorCode } from "./wasm/weft_wasm.js";

/** What Weft throws: an `Error` (a `RangeError` for positions) with a stable `code`. */
export interface WeftError extends Error {
  name: "WeftError";
  code: WeftErrorCode;
}

/** Whether `error` was thrown by Weft (optionally: with this `code`). */
export function isWeftError(error: unknown, code?: WeftErrorCode): error is WeftError {
  return (
    error instanceof Error &&
    error.name === "WeftError" &&
    typeof (error as Partial<WeftError>).code === "string" &&
    (code === undefined || (error as WeftError).code === code)
  );
}
