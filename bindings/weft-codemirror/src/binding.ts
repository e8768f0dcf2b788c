// The two-way binding of a Weft text and an editor state, independent of the DOM: the view
// plugin drives it from an EditorView, the Node tests from a bare EditorState.
import { ChangeSet, Transaction } from "@codemirror/state";
import type { EditorSelection, EditorState, TransactionSpec } from "@codemirror/state";
import type { DocEvent } from "weft-crdt";
import { applyChanges, deltaToChanges, diff } from "./delta.js";
import { weftRemote } from "./config.js";
import type { WeftConfig } from "./config.js";

/** Where the binding reads the editor's state and sends its transactions. */
export interface EditorHost {
  readonly state: EditorState;
  dispatch(spec: TransactionSpec): void;
}

/** The annotations of every transaction the binding makes from a Weft change. */
const REMOTE_ANNOTATIONS = [
  weftRemote.of(true),
  Transaction.remote.of(true),
  Transaction.addToHistory.of(false),
];

/**
 * Keeps `config.text` and an editor's document equal: the editor's own changes go to the text
 * as one Weft transaction per editor update with `config.origin`; the text's changes of any
 * other origin come to the editor as one transaction annotated `weftRemote`, through which
 * the selection maps.
 */
export class TextBinding {
  private readonly unobserve: Array<() => void>;
  private writing = false;
  private destroyed = false;
  private resyncQueued = false;

  /**
   * `beforeLocalChange` hears the selection the editor had before each local change it
   * writes, just before the text changes (the undo support keeps it with the step).
   */
  constructor(
    private readonly host: EditorHost,
    private readonly config: WeftConfig,
    private readonly beforeLocalChange?: (selection: EditorSelection) => void,
  ) {
    this.unobserve = [
      config.text.observe((events) => this.textChanged(events)),
      // A change that creates the text (its first one, here or on another replica) reaches the
      // text's parent, not the text's observers; so do changes that waited for what they
      // depend on ("reload"). After such a batch, once every observer has run, check.
      config.doc.subscribe((events) => {
        if (events.length > 0 && events[0].origin !== config.origin && events.some((event) => event.type !== "text")) {
          this.queueResync();
        }
      }),
    ];
  }

  /** Whether the editor's document is the text. */
  get inSync(): boolean {
    const { doc } = this.host.state;
    return doc.length === this.config.text.length && doc.toString() === this.config.text.toString();
  }

  /**
   * Writes the editor's own changes in `transactions` (those of one editor update, oldest
   * first) to the text. A transaction the binding made itself is skipped.
   */
  editorChanged(transactions: readonly Transaction[]): void {
    const local = transactions.filter((tr) => tr.docChanged && !tr.annotation(weftRemote));
    if (local.length === 0) return;
    const { doc, text, origin } = this.config;
    if (local[0].startState.doc.length !== text.length) {
      // The editor did not show the text when these changes were made: the text wins.
      this.queueResync();
      return;
    }
    this.beforeLocalChange?.(local[0].startState.selection);
    this.writing = true;
    try {
      doc.transact(() => {
        for (const tr of local) applyChanges(text, tr.changes);
      }, origin);
    } finally {
      this.writing = false;
    }
  }

  /** Makes the editor's document the text by one replaced range, if they differ. */
  resync(): void {
    this.resyncQueued = false;
    if (this.destroyed) return;
    const change = diff(this.host.state.doc.toString(), this.config.text.toString());
    if (change) this.host.dispatch({ changes: change, annotations: REMOTE_ANNOTATIONS });
  }

  /** Stops listening to the text. */
  destroy(): void {
    this.destroyed = true;
    for (const unobserve of this.unobserve) unobserve();
  }

  private textChanged(events: DocEvent[]): void {
    if (this.destroyed || events.length === 0 || events[0].origin === this.config.origin) return;
    if (this.writing) {
      // A change of another origin while the editor's own is written (a listener of ours
      // changed the text): the editor is inside its update and cannot take a transaction.
      this.queueResync();
      return;
    }
    let length = this.host.state.doc.length;
    let changes = ChangeSet.empty(length);
    for (const event of events) {
      if (event.type !== "text") {
        // Changes that waited for their dependencies were applied: read the text again.
        this.resync();
        return;
      }
      let step: ChangeSet;
      try {
        step = ChangeSet.of(deltaToChanges(event.delta), length);
      } catch {
        // The delta reaches past the editor's document: the editor missed a change.
        this.resync();
        return;
      }
      changes = changes.compose(step);
      length = step.newLength;
    }
    if (length !== this.config.text.length) {
      // The editor missed a change (the text's creation, say): read the text again.
      this.resync();
      return;
    }
    if (!changes.empty) this.host.dispatch({ changes, annotations: REMOTE_ANNOTATIONS });
  }

  private queueResync(): void {
    if (this.resyncQueued) return;
    this.resyncQueued = true;
    queueMicrotask(() => this.resync());
  }
}
