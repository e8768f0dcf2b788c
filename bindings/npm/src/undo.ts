import { UndoCore } from "./wasm/weft_wasm.js";
import type { Doc } from "./wasm/weft_wasm.js";

/** A container handle an undo manager can be scoped to (`TextRef`, `ListRef`, `MapRef`, …). */
export interface UndoScopeTarget {
  containerPath(): import("./wasm/weft_wasm.js").ContainerPathHandle;
}

/** Options of an `UndoManager`. */
export interface UndoManagerOptions {
  /** The containers whose changes are tracked (changes inside them count); default: the whole document. */
  scope?: UndoScopeTarget[];
  /**
   * The origins (as given to `doc.transact(fn, origin)`) of the local changes tracked; `null`
   * stands for changes given no origin. Default: every local change.
   */
  trackedOrigins?: Array<string | null>;
  /** Changes less than this many milliseconds after the previous one join its step (default 500). */
  captureTimeout?: number;
  /** The origin of the manager's own undo and redo transactions (default `"weft:undo"`). */
  origin?: string;
}

/** What the `stack-item-*` events carry: the stack and the step's metadata (a live `Map`). */
export interface StackItemEvent {
  type: "undo" | "redo";
  meta: Map<string, unknown>;
}

type StackEventName = "stack-item-added" | "stack-item-updated" | "stack-item-popped";

/**
 * Undo and redo of this replica's own changes — never anyone else's — as changes that sync like
 * any other. Changes made within `captureTimeout` of each other form one step.
 *
 * Undoing an insertion deletes exactly the inserted characters that are still there; undoing a
 * deletion brings back what was deleted, where it was, even after others typed around it;
 * undoing a map write restores the old value unless someone wrote it since; undoing a counter
 * increment subtracts it.
 *
 * Each step carries metadata (`meta`, a `Map`), kept as the step moves between the undo and
 * redo stacks: editor bindings store the selection there on `stack-item-added` and restore it
 * on `stack-item-popped`.
 */
export class UndoManager {
  private readonly core: UndoCore;
  private readonly metas = new Map<number, Map<string, unknown>>();
  private readonly listeners = new Map<StackEventName, Set<(event: StackItemEvent) => void>>();

  constructor(doc: Doc, options: UndoManagerOptions = {}) {
    const scope = (options.scope ?? []).map((target) => target.containerPath());
    this.core = new UndoCore(
      doc,
      scope,
      options.trackedOrigins,
      options.captureTimeout ?? 500,
      options.origin ?? "weft:undo",
    );
    this.core.setListener((kind, stack, step) => this.heard(kind, stack, step));
  }

  /** The origin the manager's own undo and redo transactions carry. */
  get origin(): string {
    return this.core.origin;
  }

  /** Reverts the newest undo step. Returns whether there was one. */
  undo(): boolean {
    return this.core.undo() !== undefined;
  }

  /** Reverts the newest redo step. Returns whether there was one. */
  redo(): boolean {
    return this.core.redo() !== undefined;
  }

  canUndo(): boolean {
    return this.core.canUndo();
  }

  canRedo(): boolean {
    return this.core.canRedo();
  }

  /** Ends the current step: the next change starts a new one, however soon. */
  stopCapturing(): void {
    this.core.stopCapturing();
  }

  /** Forgets every step. */
  clear(): void {
    this.core.clear();
    this.metas.clear();
  }

  /** Sets `key` in the metadata of the newest undo step (does nothing if there is none). */
  setMeta(key: string, value: unknown): void {
    const step = this.core.newestStep();
    if (step === undefined) return;
    this.meta(step).set(key, value);
  }

  /** Calls `listener` on every `event`; returns the function that stops it. */
  on(event: StackEventName, listener: (event: StackItemEvent) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Stops tracking and releases the manager. */
  destroy(): void {
    this.listeners.clear();
    this.metas.clear();
    this.core.free();
  }

  private meta(step: number): Map<string, unknown> {
    let meta = this.metas.get(step);
    if (!meta) this.metas.set(step, (meta = new Map()));
    return meta;
  }

  private heard(kind: string, stack: string, step: number): void {
    const name = `stack-item-${kind}` as StackEventName;
    const event: StackItemEvent = { type: stack as "undo" | "redo", meta: this.meta(step) };
    for (const listener of [...(this.listeners.get(name) ?? [])]) listener(event);
    if (kind === "added" || kind === "updated") this.forgetDropped();
  }

  /** Drops the metadata of steps neither stack holds any more (trimmed or cleared). */
  private forgetDropped(): void {
    if (this.metas.size <= 2000) return;
    const newest = this.core.newestStep() ?? 0;
    for (const step of this.metas.keys()) if (step < newest - 2000) this.metas.delete(step);
  }
}
