// The look of the others' carets, labels and selections (colours come from presence).
import { EditorView } from "@codemirror/view";

export const weftTheme = EditorView.baseTheme({
  ".cm-weft-caret": {
    position: "relative",
    display: "inline-block",
    width: "0",
    height: "1.2em",
    verticalAlign: "text-bottom",
    borderLeft: "2px solid",
    marginLeft: "-1px",
    marginRight: "-1px",
    boxSizing: "border-box",
  },
  ".cm-weft-caret-label": {
    position: "absolute",
    bottom: "100%",
    left: "-2px",
    padding: "0 4px",
    borderRadius: "3px 3px 3px 0",
    color: "white",
    fontSize: "11px",
    fontFamily: "system-ui, sans-serif",
    lineHeight: "1.4",
    whiteSpace: "nowrap",
    pointerEvents: "none",
    userSelect: "none",
    zIndex: "10",
  },
});
