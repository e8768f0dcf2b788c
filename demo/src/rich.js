// The rich note's editor: a ProseMirror view bound to the shared text through
// weft-prosemirror (paragraphs, headings, bullet lists, bold, italic, links), with the
// others' carets (presence, in a field of its own) and undo/redo of this page's own changes.
import { EditorState, TextSelection } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { keymap } from "prosemirror-keymap";
import { baseKeymap } from "prosemirror-commands";
import {
  indexToPos,
  removeLink,
  setHeading,
  setLink,
  setParagraph,
  textToDoc,
  toggleBold,
  toggleBulletList,
  toggleItalic,
  weftProseMirror,
  weftRedo,
  weftSchema,
  weftUndo,
} from "weft-prosemirror";

/** The binding's origin: the rich note's undo manager tracks this page's changes by it. */
export const RICH_EDITOR_ORIGIN = "rich-editor";

/** The presence field of this page's selection in the rich note. */
export const RICH_PRESENCE_FIELD = "richCursor";

/**
 * Makes the rich note's editor in `parent` over `text` (of `doc`); `presence`, `undoManager`
 * and `user` go to the binding. Returns the view and its commands, for the toolbar.
 */
export function createRichEditor(parent, { doc, text, presence, undoManager, user }) {
  const plugins = [
    ...weftProseMirror({
      doc,
      text,
      origin: RICH_EDITOR_ORIGIN,
      presence,
      user,
      presenceField: RICH_PRESENCE_FIELD,
      undoManager,
    }),
    keymap(baseKeymap),
  ];
  const view = new EditorView(parent, {
    state: EditorState.create({ schema: weftSchema, doc: textToDoc(text), plugins }),
    attributes: { "aria-label": "Rich note" },
  });
  const run = (command) => {
    command(view.state, view.dispatch);
    view.focus();
  };
  const inHeading = () => view.state.selection.$from.parent.type === weftSchema.nodes.heading;
  const inLink = () => {
    const { from, to } = view.state.selection;
    return view.state.doc.rangeHasMark(from, Math.max(to, from + 1), weftSchema.marks.link);
  };
  /** Selects the text indexes `from`–`to` (UTF-16, a caret without `to`) and focuses. */
  const select = (from, to = from) => {
    const { doc: pmDoc } = view.state;
    const selection = TextSelection.create(pmDoc, indexToPos(pmDoc, from), indexToPos(pmDoc, to));
    view.dispatch(view.state.tr.setSelection(selection));
    view.focus();
  };
  return {
    view,
    select,
    bold: () => run(toggleBold),
    italic: () => run(toggleItalic),
    link: (href) => run(href ? setLink(href) : removeLink),
    inLink,
    heading: () => run(inHeading() ? setParagraph : setHeading(1)),
    bulletList: () => run(toggleBulletList),
    undo: () => run(weftUndo),
    redo: () => run(weftRedo),
  };
}
