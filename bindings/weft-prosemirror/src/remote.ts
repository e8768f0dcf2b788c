// The presence plugin: publishes this editor's selection as stable cursors and draws the
// others' carets (widgets with their names) and selections (inline decorations).
import { Plugin, PluginKey } from "prosemirror-state";
import type { EditorState } from "prosemirror-state";
import { Decoration, DecorationSet } from "prosemirror-view";
import type { EditorView } from "prosemirror-view";
import { caretElement, injectCaretStyle } from "./caret.js";
import type { WeftConfig } from "./config.js";
import { blockSpans, indexToPos, posToIndex } from "./positions.js";
import { peerSelections, sameCursors, selectionToCursors } from "weft-crdt";
import type { SelectionCursors } from "./types.js";
import type { Node } from "prosemirror-model";

/** The key of the presence plugin; its state is the others' decorations. */
export const presenceKey = new PluginKey<DecorationSet>("weft-prosemirror:presence");

/** The decorations of the others' selections in `doc` (which shows `config.text`). */
export function peerDecorations(config: WeftConfig, doc: Node): DecorationSet {
  const { text, presence, presenceField } = config;
  if (!presence) return DecorationSet.empty;
  const spans = blockSpans(doc);
  const peers = peerSelections(text, presence.getStates(), presence.clientId, presenceField, text.length);
  const decorations: Decoration[] = [];
  for (const { clientId, user, anchor, head } of peers) {
    const from = indexToPos(doc, Math.min(anchor, head), spans);
    const to = indexToPos(doc, Math.max(anchor, head), spans);
    if (from < to) {
      decorations.push(
        Decoration.inline(from, to, {
          class: "weft-pm-selection",
          style: `background-color: color-mix(in srgb, ${user.color} 25%, transparent)`,
          "data-client": clientId,
        }),
      );
    }
    const headPos = indexToPos(doc, head, spans);
    decorations.push(
      Decoration.widget(headPos, () => caretElement(clientId, user), {
        key: `${clientId}:${user.name}:${user.color}`,
        side: head > anchor ? -1 : 1,
      }),
    );
  }
  return DecorationSet.create(doc, decorations);
}

class PresenceView {
  private published: SelectionCursors | null = null;
  /** Whether the editor has had the focus: until then this page shows no caret to others. */
  private focused: boolean;
  private readonly onFocus = () => {
    this.focused = true;
    this.publish();
  };
  private redrawQueued = false;
  private destroyed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly view: EditorView,
    private readonly config: WeftConfig,
  ) {
    const presence = config.presence!;
    injectCaretStyle(view.dom.ownerDocument);
    if (config.user) presence.setLocal({ ...(presence.getLocal() ?? {}), user: config.user });
    this.unsubscribe = presence.on("change", ({ local }) => {
      if (!local) this.queueRedraw();
    });
    this.focused = view.hasFocus();
    view.dom.addEventListener("focus", this.onFocus);
    this.publish();
    this.queueRedraw();
  }

  update(view: EditorView, before: EditorState): void {
    if (view.state.doc !== before.doc || !view.state.selection.eq(before.selection)) this.publish();
    if (view.state.doc !== before.doc) this.queueRedraw();
  }

  destroy(): void {
    this.destroyed = true;
    this.unsubscribe();
    this.view.dom.removeEventListener("focus", this.onFocus);
    const presence = this.config.presence!;
    const local = presence.getLocal();
    if (local && this.config.presenceField in local) {
      const { [this.config.presenceField]: _selection, ...rest } = local;
      presence.setLocal(rest);
    }
  }

  /** Sets the local presence state's selection field, when its cursors changed. */
  private publish(): void {
    if (!this.focused || this.destroyed) return;
    const { doc, selection } = this.view.state;
    const spans = blockSpans(doc);
    const cursors = selectionToCursors(
      this.config.text,
      posToIndex(doc, selection.anchor, spans),
      posToIndex(doc, selection.head, spans),
    );
    if (sameCursors(cursors, this.published)) return;
    this.published = cursors;
    const presence = this.config.presence!;
    presence.setLocal({ ...(presence.getLocal() ?? {}), [this.config.presenceField]: cursors });
  }

  private queueRedraw(): void {
    if (this.redrawQueued) return;
    this.redrawQueued = true;
    queueMicrotask(() => {
      this.redrawQueued = false;
      if (this.destroyed) return;
      const decorations = peerDecorations(this.config, this.view.state.doc);
      this.view.dispatch(this.view.state.tr.setMeta(presenceKey, decorations).setMeta("addToHistory", false));
    });
  }
}

/** The plugin `weftProseMirror` adds when given `presence`. */
export function presencePlugin(config: WeftConfig): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key: presenceKey,
    state: {
      init: () => DecorationSet.empty,
      apply: (tr, old) => tr.getMeta(presenceKey) ?? old.map(tr.mapping, tr.doc),
    },
    props: {
      decorations: (state) => presenceKey.getState(state),
    },
    view: (view) => new PresenceView(view, config),
  });
}
