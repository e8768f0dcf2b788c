// The others' selections as presence states hold them, resolved in this replica's text.
import type { TextRef } from "weft-crdt";
import { resolveSelection } from "./selection.js";
import type { WeftUser } from "./types.js";

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
export const DEFAULT_COLOR = "#7c7c7c";

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
    color: typeof color === "string" && SAFE_COLOR.test(color) ? color : DEFAULT_COLOR,
  };
}
