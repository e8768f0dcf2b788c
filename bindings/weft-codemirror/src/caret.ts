// The widget of another person's caret: a thin bar in their colour with their name above it.
import { WidgetType } from "@codemirror/view";
import type { WeftUser } from "./types.js";

export class CaretWidget extends WidgetType {
  constructor(
    readonly clientId: string,
    readonly user: WeftUser,
  ) {
    super();
  }

  eq(other: CaretWidget): boolean {
    return other.clientId === this.clientId && other.user.name === this.user.name && other.user.color === this.user.color;
  }

  toDOM(): HTMLElement {
    const caret = document.createElement("span");
    caret.className = "cm-weft-caret";
    caret.dataset.client = this.clientId;
    caret.style.borderLeftColor = this.user.color;
    caret.setAttribute("aria-hidden", "true");
    const label = document.createElement("span");
    label.className = "cm-weft-caret-label";
    label.style.backgroundColor = this.user.color;
    label.textContent = this.user.name;
    caret.append(label);
    return caret;
  }

  ignoreEvent(): boolean {
    return true;
  }
}
