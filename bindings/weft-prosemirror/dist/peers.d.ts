import type { TextRef } from "weft-crdt";
import type { WeftUser } from "./types.js";
/** Another client's selection in the text, with who they are. */
export interface PeerSelection {
    clientId: string;
    user: WeftUser;
    anchor: number;
    head: number;
}
/** The caret colour of a client whose state names none (or one that is not a plain colour). */
export declare const DEFAULT_COLOR = "#7c7c7c";
/**
 * The selections in `states` (clientId → presence state, from `Presence.getStates()`) other
 * than `ownId`'s, read from each state's `field`: those whose cursors this text can resolve,
 * clamped to `length` (the editor's document). A state's `user` names and colours it; a
 * missing or malformed one gets the client id's start and a grey.
 */
export declare function peerSelections(text: TextRef, states: Map<string, Record<string, unknown>>, ownId: string, field: string, length: number): PeerSelection[];
/** The `user` of a presence state, made safe to show. */
export declare function userOf(clientId: string, user: unknown): WeftUser;
