// The view plugin of presence: publishes this editor's selection as stable cursors and shows
// the others' carets (with their names) and selections in their colours, drawn again on every
// change of the text and of presence.
import { StateEffect } from "@codemirror/state";
import type { Range } from "@codemirror/state";
import { Decoration, ViewPlugin } from "@codemirror/view";
import type { DecorationSet, EditorView, PluginValue, ViewUpdate } from "@codemirror/view";
import { CaretWidget } from "./caret.js";
import { weftConfig } from "./config.js";
import type { WeftConfig } from "./config.js";
import { peerSelections, sameCursors, selectionToCursors } from "weft-crdt";
import type { PresenceLike, SelectionCursors } from "./types.js";

/** Dispatched (in a microtask) when others' presence changed: draw their selections again. */
const presenceChanged = StateEffect.define<null>();

class RemoteSelections implements PluginValue {
  decorations: DecorationSet = Decoration.none;
  private readonly config: WeftConfig;
  private readonly presence: PresenceLike;
  private published: SelectionCursors | null = null;
  /** Whether the editor has had the focus: until then this page shows no caret to others. */
  private focused: boolean;
  private redrawQueued = false;
  private destroyed = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly view: EditorView) {
    const config = view.state.facet(weftConfig);
    if (!config?.presence) throw new Error("weft-codemirror: remote selections need weftCollab({ presence })");
    this.config = config;
    this.presence = config.presence;
    if (config.user) this.presence.setLocal({ ...(this.presence.getLocal() ?? {}), user: config.user });
    this.unsubscribe = this.presence.on("change", ({ local }) => {
      if (!local) this.queueRedraw();
    });
    this.focused = view.hasFocus;
    this.publish();
    this.decorations = this.draw();
  }

  update(update: ViewUpdate): void {
    if (update.focusChanged && update.view.hasFocus) this.focused = true;
    if (update.docChanged || update.selectionSet || update.focusChanged) this.publish();
    const presence = update.transactions.some((tr) => tr.effects.some((effect) => effect.is(presenceChanged)));
    if (update.docChanged || presence) this.decorations = this.draw();
  }

  destroy(): void {
    this.destroyed = true;
    this.unsubscribe();
    const local = this.presence.getLocal();
    if (local && this.config.presenceField in local) {
      const { [this.config.presenceField]: _selection, ...rest } = local;
      this.presence.setLocal(rest);
    }
  }

  /**
   * Sets the local presence state's selection field, when its cursors changed, once the
   * editor has had the focus (a page that never entered this editor shows no caret in it).
   */
  private publish(): void {
    if (!this.focused) return;
    const { main } = this.view.state.selection;
    const length = this.view.state.doc.length;
    if (length !== this.config.text.length) return; // the binding resyncs first
    const cursors = selectionToCursors(this.config.text, main.anchor, main.head);
    if (sameCursors(cursors, this.published)) return;
    this.published = cursors;
    this.presence.setLocal({ ...(this.presence.getLocal() ?? {}), [this.config.presenceField]: cursors });
  }

  private draw(): DecorationSet {
    const { text, presenceField } = this.config;
    const length = this.view.state.doc.length;
    const peers = peerSelections(text, this.presence.getStates(), this.presence.clientId, presenceField, length);
    const ranges: Range<Decoration>[] = [];
    for (const { clientId, user, anchor, head } of peers) {
      const from = Math.min(anchor, head);
      const to = Math.max(anchor, head);
      if (from < to) {
        ranges.push(
          Decoration.mark({
            class: "cm-weft-selection",
            attributes: {
              style: `background-color: color-mix(in srgb, ${user.color} 25%, transparent)`,
              "data-client": clientId,
            },
          }).range(from, to),
        );
      }
      ranges.push(
        Decoration.widget({ widget: new CaretWidget(clientId, user), side: head > anchor ? -1 : 1 }).range(head),
      );
    }
    return Decoration.set(ranges, true);
  }

  private queueRedraw(): void {
    if (this.redrawQueued) return;
    this.redrawQueued = true;
    queueMicrotask(() => {
      this.redrawQueued = false;
      if (!this.destroyed) this.view.dispatch({ effects: presenceChanged.of(null) });
    });
  }
}

/** The presence plugin `weftCollab` installs when given `presence`. */
export const remoteSelections = ViewPlugin.fromClass(RemoteSelections, {
  decorations: (plugin) => plugin.decorations,
});
