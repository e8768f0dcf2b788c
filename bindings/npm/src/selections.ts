// Editor selections as stable cursors, and the others' selections from presence: what the
// editor bindings (weft-codemirror, weft-prosemirror) publish, restore and draw, written once
// here. A position kept as a cursor stays on its character whatever is typed around it.
import { Cursor } from "./wasm/weft_wasm.js";
import type { CursorJson, CursorSide, TextRef } from "./wasm/weft_wasm.js";
import type { Presence } from "./presence.js";
import type { UndoManager } from "./undo.js";

/** What an editor binding calls on a `Presence` (typed by shape, so a stand-in fits too). */
export type PresenceLike = Pick<Presence, "clientId" | "setLocal" | "getLocal" | "getStates" | "on">;

/** What an editor binding calls on an `UndoManager` (typed by shape, so a stand-in fits too). */
export type UndoManagerLike = Pick<UndoManager, "undo" | "redo" | "setMeta" | "on">;

/** Who is editing: shown beside their caret on the other pages. */
export interface WeftUser {
  /** The label of the caret. */
  name: string;
  /** Any CSS colour: the caret, the label's background and (lightened) the selection. */
  color: string;
}

/** A selection as stable cursors (the JSON form of `Cursor`), as it travels in presence. */
export interface SelectionCursors {
  anchor: CursorJson;
  head: CursorJson;
}

/**
 * The selection `anchor`–`head` (UTF-16 indexes in `text`) as cursors. A caret keeps to the
 * character before it (text typed there by others goes after it); a range keeps to its first
 * and last characters, so text typed at its edges stays outside it.
 */
export function selectionToCursors(text: TextRef, anchor: number, head: number): SelectionCursors {
  const length = text.length;
  const clamp = (index: number) => Math.max(0, Math.min(index, length));
  anchor = clamp(anchor);
  head = clamp(head);
  const sideOf = (index: number): CursorSide =>
    anchor === head || index === Math.max(anchor, head) ? "after" : "before";
  return { anchor: cursorJson(text, anchor, sideOf(anchor)), head: cursorJson(text, head, sideOf(head)) };
}

/**
 * Where `cursors` stand in `text` now, or `null` when they are not a selection's cursors
 * (a malformed presence state) or this replica lacks a character they keep to.
 */
export function resolveSelection(text: TextRef, cursors: unknown): { anchor: number; head: number } | null {
  if (typeof cursors !== "object" || cursors === null) return null;
  const { anchor, head } = cursors as Partial<SelectionCursors>;
  const resolvedAnchor = resolveJson(text, anchor);
  const resolvedHead = resolveJson(text, head);
  if (resolvedAnchor === undefined || resolvedHead === undefined) return null;
  return { anchor: resolvedAnchor, head: resolvedHead };
}

/** Whether two selections' cursors are the same positions. */
export function sameCursors(a: SelectionCursors | null, b: SelectionCursors | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function cursorJson(text: TextRef, index: number, side: CursorSide): CursorJson {
  const cursor = text.cursorAt(index, side);
  try {
    return cursor.toJSON();
  } finally {
    cursor.free();
  }
}

function resolveJson(text: TextRef, json: unknown): number | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  let cursor: Cursor;
  try {
    cursor = Cursor.fromJSON(json as CursorJson);
  } catch {
    return undefined;
  }
  try {
    return text.resolveCursor(cursor);
  } finally {
    cursor.free();
  }
}

/** Another client's selection in the text, with who they are. */
export interface PeerSelection {
  clientId: string;
  user: WeftUser;
  anchor: number;
  head: number;
}

/** Colours a presence state may name: hex, a colour keyword, rgb()/hsl() with plain numbers. */
const SAFE_COLOR = /^(#[0-9a-f]{3,8}|[a-z]{3,30}|(rgb|hsl)a?\([0-9.,%\s/]+\))$/i;

/** The caret colour of a client whose state names none (or one that is not a plain colour). */
export const DEFAULT_CARET_COLOR = "#7c7c7c";

/**
 * The selections in `states` (clientId → presence state, from `Presence.getStates()`) other
 * than `ownId`'s, read from each state's `field`: those whose cursors this text can resolve,
 * clamped to `length` (the editor's document). A state's `user` names and colours it; a
 * missing or malformed one gets the client id's start and a grey.
 */
export function peerSelections(
  text: TextRef,
  states: Map<string, Record<string, unknown>>,
  ownId: string,
  field: string,
  length: number,
): PeerSelection[] {
  const peers: PeerSelection[] = [];
  for (const [clientId, state] of states) {
    if (clientId === ownId || !state) continue;
    const selection = resolveSelection(text, state[field]);
    if (!selection) continue;
    peers.push({
      clientId,
      user: userOf(clientId, state.user),
      anchor: Math.min(selection.anchor, length),
      head: Math.min(selection.head, length),
    });
  }
  return peers;
}

/** The `user` of a presence state, made safe to show. */
export function userOf(clientId: string, user: unknown): WeftUser {
  const { name, color } = (typeof user === "object" && user !== null ? user : {}) as Partial<WeftUser>;
  return {
    name: typeof name === "string" && name.trim() !== "" ? name.slice(0, 64) : clientId.slice(0, 8),
    color: typeof color === "string" && SAFE_COLOR.test(color) ? color : DEFAULT_CARET_COLOR,
  };
}
